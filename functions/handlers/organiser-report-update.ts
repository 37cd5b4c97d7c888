import { reportWriting } from '../composition/reports';
import type { OrganiserReportBody } from '../contract/schemas/reports';
import { updateReport } from '../core/reports/use-cases';
import { organiserRoute } from './http/organiser-route';
import { ifMatchVersion, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { reportBodyLimitBytes, updateReportRequest } from './inputs/reports';
import { etagOf, organiserReportView } from './views/reports';

/** Changes a report, published or not; If-Match is required (428 without, 412 when stale). */
export const handler = organiserRoute(async (event) => {
  const version = ifMatchVersion(event, { required: true }) ?? -1;
  const changes = parseJsonBody(event, updateReportRequest, { limitBytes: reportBodyLimitBytes });
  const report = await updateReport(reportWriting(), event.pathParameters?.id ?? '', version, changes);
  return json(200, organiserReportView(report) satisfies OrganiserReportBody, { etag: etagOf(report) });
});
