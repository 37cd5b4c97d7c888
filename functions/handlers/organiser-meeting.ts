import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { organiserMeeting } from '../core/meetings/lifecycle';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { etagOf, organiserMeetingView } from './views/meetings';

export const handler = httpRoute(async (event) => {
  const meeting = await organiserMeeting(meetingLifecycle().store, event.pathParameters?.id ?? '');
  return json(200, organiserMeetingView(meeting), { etag: etagOf(meeting) });
});
