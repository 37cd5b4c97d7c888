import { clock } from '../composition/process';
import { reportStore } from '../composition/report-store';
import { NotFound } from '../core/errors';
import { type ReportAction, reportActions } from '../core/reports/report';
import { changeReportStatus } from '../core/reports/use-cases';
import { httpRoute } from './http/edge';
import { ifMatchVersion } from './http/request';
import { json } from './http/respond';
import { etagOf, organiserReportView } from './views/reports';

/**
 * `POST /api/organiser/reports/{id}/<action>`: publish (now) or unpublish. If-Match when given; a move the
 * status does not allow is a 409 that names the status. Answers the report as GET does.
 */
export const handler = httpRoute(async (event) => {
  const action = event.routeKey.split('/').at(-1) as ReportAction;
  if (!reportActions.includes(action)) throw new NotFound('Deze actie bestaat niet.');
  const version = ifMatchVersion(event, { required: false });
  const report = await changeReportStatus(
    { store: reportStore(), clock },
    event.pathParameters?.id ?? '',
    action,
    version,
  );
  return json(200, organiserReportView(report), { etag: etagOf(report) });
});
