import { reportStore } from '../composition/report-store';
import type { OrganiserReportBody } from '../contract/schemas/reports';
import { findReport } from '../core/reports/use-cases';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { etagOf, organiserReportView } from './views/reports';

/** One report with its Markdown and the HTML it renders to (the preview); the ETag is its version. */
export const handler = httpRoute(async (event) => {
  const report = await findReport({ store: reportStore() }, event.pathParameters?.id ?? '');
  return json(200, organiserReportView(report) satisfies OrganiserReportBody, { etag: etagOf(report) });
});
