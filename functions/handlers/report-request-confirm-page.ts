import { tokens } from '../composition/keys';
import { reportRequests } from '../composition/report-requests';
import { pendingRequest } from '../core/reports/requests';
import { renderRequestConfirmPage } from '../web/pages/report-requests';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/** The page the confirm link opens: it checks the link, shows what is confirmed and a button; a GET never confirms. */
export const handler = httpRoute(async (event) => {
  const { id } = await (await tokens()).verify(linkToken(event), 'request-report');
  const { report, request } = await pendingRequest(reportRequests(), id);
  return page(200, renderRequestConfirmPage(report, request), tokenPageHeaders);
});
