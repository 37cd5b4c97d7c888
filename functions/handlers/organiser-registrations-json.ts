import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { organiserMeeting } from '../core/meetings/lifecycle';
import { registrationsJson } from '../web/exports/registrations';
import { httpRoute } from './http/edge';
import { json } from './http/respond';

export const handler = httpRoute(async (event) => {
  const meeting = await organiserMeeting(meetingLifecycle().store, event.pathParameters?.id ?? '');
  return json(
    200,
    registrationsJson(meeting, await meetingLifecycle().store.listRegistrations(meeting.meetingId)),
  );
});
