import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { organiserMeeting } from '../core/meetings/lifecycle';
import { registrationsCsv, registrationsFileName } from '../web/exports/registrations';
import { httpRoute } from './http/edge';

/** UTF-8 with BOM and `;` so Dutch Excel opens it; base64 because API Gateway passes binary bodies so. */
export const handler = httpRoute(async (event) => {
  const meeting = await organiserMeeting(meetingLifecycle().store, event.pathParameters?.id ?? '');
  const csv = registrationsCsv(meeting, await meetingLifecycle().store.listRegistrations(meeting.meetingId));
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${registrationsFileName(meeting, 'csv')}"`,
    },
    body: Buffer.from(csv, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
});
