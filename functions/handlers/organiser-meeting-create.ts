import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { clock } from '../composition/process';
import { createMeeting } from '../core/meetings/lifecycle';
import { meetingPath } from '../paths';
import { organiserRoute } from './http/organiser-route';
import { parseJsonBody } from './http/request';
import { json } from './http/respond';
import { createMeetingRequest } from './inputs/meetings';
import { etagOf, organiserMeetingView } from './views/meetings';

/** A new meeting, as a draft. Registration opens now and closes at the start unless said otherwise. */
export const handler = organiserRoute(async (event) => {
  const request = parseJsonBody(event, createMeetingRequest);
  const meeting = await createMeeting(meetingLifecycle(), {
    ...request,
    registrationOpensAt: request.registrationOpensAt ?? clock.now().toISOString(),
    registrationClosesAt: request.registrationClosesAt ?? request.startsAt,
  });
  return json(201, organiserMeetingView(meeting), {
    etag: etagOf(meeting),
    location: `/api/organiser/meetings/${meeting.meetingId}`,
    'x-public-page': meetingPath(meeting),
  });
});
