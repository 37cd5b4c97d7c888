import { reportConsent } from '../composition/report-consent';
import { reportStore } from '../composition/report-store';
import { publicReport } from '../core/reports/use-cases';
import { reportPath } from '../paths';
import { renderReportPage } from '../web/pages/reports';
import { httpRoute } from './http/edge';
import { movedPermanently, page } from './http/respond';

/** /publicaties/{slug}: a published report; an address it had before redirects (301) to its current one. */
export const handler = httpRoute(async (event) => {
  const found = await publicReport({ store: reportStore() }, event.pathParameters?.slug ?? '');
  if (found.type === 'moved') {
    return movedPermanently(reportPath(found.slug), { 'cache-control': 'public, max-age=300' });
  }
  return page(200, renderReportPage(found.report, reportConsent), { 'cache-control': 'public, max-age=60' });
});
