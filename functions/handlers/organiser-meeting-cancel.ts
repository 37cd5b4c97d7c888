import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { cancelMeeting } from '../core/meetings/lifecycle';
import { organiserRoute } from './http/organiser-route';
import { bodyBytes, ifMatchVersion, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { cancelMeetingRequest } from './inputs/meetings';
import { etagOf, organiserMeetingView } from './views/meetings';

/**
 * Cancels a meeting and mails everyone registered or waiting, with the organiser's `message` if one is given
 * (the body is optional); calling it again completes missing mails and changes nothing else.
 */
export const handler = organiserRoute(async (event) => {
  const { message } = bodyBytes(event).length > 0 ? parseJsonBody(event, cancelMeetingRequest) : {};
  const meeting = await cancelMeeting(
    meetingLifecycle(),
    event.pathParameters?.id ?? '',
    ifMatchVersion(event, { required: false }),
    message,
  );
  return json(200, organiserMeetingView(meeting), { etag: etagOf(meeting) });
});
