import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { publishMeeting } from '../core/meetings/lifecycle';
import { httpRoute } from './http/edge';
import { ifMatchVersion } from './http/request';
import { json } from './http/respond';
import { etagOf, organiserMeetingView } from './views/meetings';

export const handler = httpRoute(async (event) => {
  const meeting = await publishMeeting(
    meetingLifecycle(),
    event.pathParameters?.id ?? '',
    ifMatchVersion(event, { required: false }),
  );
  return json(200, organiserMeetingView(meeting), { etag: etagOf(meeting) });
});
