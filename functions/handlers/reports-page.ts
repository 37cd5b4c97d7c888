import { siteUrl } from '../composition/process';
import { reportStore } from '../composition/report-store';
import { renderReportArchive } from '../web/pages/reports';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { page } from './http/respond';
import { publicReportQuery } from './inputs/reports';

/** /publicaties: the published reports, newest first; `?soort=` one kind; `?cursor=` the next page. */
export const handler = httpRoute(async (event) => {
  const { soort, cursor } = parseQuery(event, publicReportQuery);
  const list = await reportStore().list({
    status: 'published',
    limit: 20,
    ...(soort ? { kind: soort } : {}),
    ...(cursor ? { cursor } : {}),
  });
  return page(
    200,
    renderReportArchive(list.items, {
      ...(soort ? { kind: soort } : {}),
      continued: cursor !== undefined,
      nextCursor: list.nextCursor,
      siteUrl,
    }),
    { 'cache-control': 'public, max-age=60' },
  );
});
