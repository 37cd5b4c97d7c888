import { tokens } from '../composition/keys';
import { reportRequestStore } from '../composition/report-request-store';
import { reportStore } from '../composition/report-store';
import { grantedRequest } from '../core/reports/requests';
import { renderDownloadPage } from '../web/pages/report-requests';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/** The page the download link opens (7 days): its button fetches a fresh download per click. */
export const handler = httpRoute(async (event) => {
  const token = linkToken(event);
  const { id } = await (await tokens()).verify(token, 'download-report');
  const { report } = await grantedRequest({ reports: reportStore(), requests: reportRequestStore() }, id);
  return page(200, renderDownloadPage(report, token), tokenPageHeaders);
});
