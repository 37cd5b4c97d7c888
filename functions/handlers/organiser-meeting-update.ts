import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { updateMeeting } from '../core/meetings/lifecycle';
import { organiserRoute } from './http/organiser-route';
import { ifMatchVersion, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { updateMeetingRequest } from './inputs/meetings';
import { etagOf, organiserMeetingView } from './views/meetings';

/** Changes a meeting; If-Match is required (428 without, 412 when stale). */
export const handler = organiserRoute(async (event) => {
  const version = ifMatchVersion(event, { required: true }) ?? -1;
  const changes = parseJsonBody(event, updateMeetingRequest);
  const meeting = await updateMeeting(meetingLifecycle(), event.pathParameters?.id ?? '', version, changes);
  return json(200, organiserMeetingView(meeting), { etag: etagOf(meeting) });
});
