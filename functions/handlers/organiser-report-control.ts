import { reportPublication } from '../composition/report-control';
import type { OrganiserReportBody } from '../contract/schemas/reports';
import { NotFound } from '../core/errors';
import { publishReportNow, scheduleReportAt, unpublishReport } from '../core/reports/publication';
import { type ReportAction, reportActions } from '../core/reports/report';
import { organiserRoute } from './http/organiser-route';
import { ifMatchVersion, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { scheduleReportRequest } from './inputs/reports';
import { etagOf, organiserReportView } from './views/reports';

/**
 * `POST /api/organiser/reports/{id}/<action>`: publish (now), schedule (`{ "at": … }`) or unpublish
 * (core/reports/publication.ts). If-Match when given; a move the status does not allow is a 409 that names
 * the status; an announcement that still needs four eyes is a 403 that says what. Answers the report as GET
 * does.
 */
export const handler = organiserRoute(async (event) => {
  const action = event.routeKey.split('/').at(-1) as ReportAction;
  if (!reportActions.includes(action)) throw new NotFound('Deze actie bestaat niet.');
  const id = event.pathParameters?.id ?? '';
  const version = ifMatchVersion(event, { required: false });
  const ports = reportPublication();
  const report =
    action === 'schedule'
      ? await scheduleReportAt(ports, id, new Date(parseJsonBody(event, scheduleReportRequest).at), version)
      : await { publish: publishReportNow, unpublish: unpublishReport }[action](ports, id, version);
  return json(200, organiserReportView(report) satisfies OrganiserReportBody, { etag: etagOf(report) });
});
