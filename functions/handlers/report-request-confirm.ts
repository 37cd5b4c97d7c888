import { tokens } from '../composition/keys';
import { reportRequests } from '../composition/report-requests';
import { reportStore } from '../composition/report-store';
import { NotFound } from '../core/errors';
import { confirmRequest } from '../core/reports/requests';
import { renderRequestConfirmed } from '../web/pages/report-requests';
import { httpRoute } from './http/edge';
import { linkToken, parseFormBody } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/** The confirm page's button: the request is granted (or waits for an organiser), and the page says which. */
export const handler = httpRoute(async (event) => {
  await parseFormBody(event);
  const { id } = await (await tokens()).verify(linkToken(event), 'request-report');
  const outcome = await confirmRequest(reportRequests(), id);
  const report = await reportStore().get(id.split('.')[0] ?? '');
  if (!report) throw new NotFound('Deze aanvraag bestaat niet (meer).');
  return page(200, renderRequestConfirmed(outcome, report), tokenPageHeaders);
});
