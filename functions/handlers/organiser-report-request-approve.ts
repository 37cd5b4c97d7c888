import { reportRequests } from '../composition/report-requests';
import type { ReportRequestGrantedBody } from '../contract/schemas/reports';
import { approveRequest } from '../core/reports/requests';
import { organiserRoute } from './http/organiser-route';
import { organiserOf } from './http/request';
import { json } from './http/respond';

/**
 * `POST /api/organiser/reports/{id}/requests/{personId}/approve`: a confirmed request of a report that asks
 * for approval is granted, and its download link goes out by mail. Anything else is a 409 that says why.
 */
export const handler = organiserRoute(async (event) => {
  const request = await approveRequest(
    reportRequests(),
    event.pathParameters?.id ?? '',
    event.pathParameters?.personId ?? '',
    organiserOf(event),
  );
  return json(200, {
    personId: request.personId,
    status: request.status,
    grantedAt: request.grantedAt,
  } satisfies ReportRequestGrantedBody);
});
