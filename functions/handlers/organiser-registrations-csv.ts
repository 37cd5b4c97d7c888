import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { clock } from '../composition/process';
import { organiserMeeting } from '../core/meetings/lifecycle';
import { registrationsCsv, registrationsFileName } from '../web/exports/registrations';
import { httpRoute } from './http/edge';

/**
 * UTF-8 with BOM and `;` so Dutch Excel opens it; base64 because API Gateway passes binary bodies so. The
 * requests not yet confirmed are counted in a header (a row would break the columns).
 */
export const handler = httpRoute(async (event) => {
  const { store } = meetingLifecycle();
  const meeting = await organiserMeeting(store, event.pathParameters?.id ?? '');
  const [rows, pending] = await Promise.all([
    store.listRegistrations(meeting.meetingId),
    store.countPending(meeting.meetingId, clock.now()),
  ]);
  const csv = registrationsCsv(meeting, rows);
  return {
    statusCode: 200,
    headers: {
      'x-pending-requests': String(pending),
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${registrationsFileName(meeting, 'csv')}"`,
    },
    body: Buffer.from(csv, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
});
