import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { clock } from '../composition/process';
import type { RegistrationsExportBody } from '../contract/schemas/organisers';
import { organiserMeeting } from '../core/meetings/lifecycle';
import { registrationsJson } from '../web/exports/registrations';
import { httpRoute } from './http/edge';
import { json } from './http/respond';

export const handler = httpRoute(async (event) => {
  const { store } = meetingLifecycle();
  const meeting = await organiserMeeting(store, event.pathParameters?.id ?? '');
  const [rows, pending] = await Promise.all([
    store.listRegistrations(meeting.meetingId),
    store.countPending(meeting.meetingId, clock.now()),
  ]);
  return json(200, registrationsJson(meeting, rows, pending) satisfies RegistrationsExportBody);
});
