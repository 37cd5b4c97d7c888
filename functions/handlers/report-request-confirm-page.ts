import { tokens } from '../composition/keys';
import { reportStore } from '../composition/report-store';
import { NotFound } from '../core/errors';
import { renderRequestConfirmPage } from '../web/pages/report-requests';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/** The page the confirm link opens: it checks the link and shows a button; a GET never confirms. */
export const handler = httpRoute(async (event) => {
  const { id } = await (await tokens()).verify(linkToken(event), 'request-report');
  const report = await reportStore().get(id.split('.')[0] ?? '');
  if (!report) throw new NotFound('Deze aanvraag bestaat niet (meer).');
  return page(200, renderRequestConfirmPage(report), tokenPageHeaders);
});
