import { reportConsent } from '../composition/report-consent';
import { reportStore } from '../composition/report-store';
import type { ReportPreviewBody } from '../contract/schemas/reports';
import { findReport } from '../core/reports/use-cases';
import { reportPath } from '../paths';
import { renderReportPage } from '../web/pages/reports';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { etagOf } from './views/reports';

/** The exact page a report shows once published (also for a draft), and the address it will have. */
export const handler = httpRoute(async (event) => {
  const report = await findReport({ store: reportStore() }, event.pathParameters?.id ?? '');
  return json(
    200,
    {
      page: reportPath(report.slug),
      html: renderReportPage(report, reportConsent),
    } satisfies ReportPreviewBody,
    { etag: etagOf(report) },
  );
});
