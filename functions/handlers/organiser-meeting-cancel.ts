import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { cancelMeeting } from '../core/meetings/lifecycle';
import { httpRoute } from './http/edge';
import { ifMatchVersion } from './http/request';
import { json } from './http/respond';
import { etagOf, organiserMeetingView } from './views/meetings';

/** Cancels a meeting and mails everyone registered or waiting; calling it again completes missing mails. */
export const handler = httpRoute(async (event) => {
  const meeting = await cancelMeeting(
    meetingLifecycle(),
    event.pathParameters?.id ?? '',
    ifMatchVersion(event, { required: false }),
  );
  return json(200, organiserMeetingView(meeting), { etag: etagOf(meeting) });
});
