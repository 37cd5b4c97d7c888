import { app } from '../composition';
import { organiserMeeting } from '../core/meetings/use-cases';
import { registrationsJson } from '../web/exports/registrations';
import { httpRoute } from './http/edge';
import { json } from './http/respond';

export const handler = httpRoute(async (event) => {
  const meeting = await organiserMeeting(app.meetings.store, event.pathParameters?.id ?? '');
  return json(200, registrationsJson(meeting, await app.meetings.store.listRegistrations(meeting.meetingId)));
});
