import { reportWriting } from '../composition/reports';
import type { OrganiserReportBody } from '../contract/schemas/reports';
import { createReport } from '../core/reports/use-cases';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { createReportRequest, reportBodyLimitBytes } from './inputs/reports';
import { etagOf, organiserReportView } from './views/reports';

/** A new report, as a draft; its Markdown is rendered now, once, and its address (slug) claimed. */
export const handler = organiserRoute(async (event) => {
  const content = parseJsonBody(event, createReportRequest, { limitBytes: reportBodyLimitBytes });
  const report = await createReport(reportWriting(), content, organiserOf(event));
  return json(201, organiserReportView(report) satisfies OrganiserReportBody, {
    etag: etagOf(report),
    location: `/api/organiser/reports/${report.reportId}`,
  });
});
