import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { publishMeeting } from '../core/meetings/lifecycle';
import { organiserRoute } from './http/organiser-route';
import { ifMatchVersion } from './http/request';
import { json } from './http/respond';
import { etagOf, organiserMeetingView } from './views/meetings';

export const handler = organiserRoute(async (event) => {
  const meeting = await publishMeeting(
    meetingLifecycle(),
    event.pathParameters?.id ?? '',
    ifMatchVersion(event, { required: false }),
  );
  return json(200, organiserMeetingView(meeting), { etag: etagOf(meeting) });
});
