import { reportStore } from '../composition/report-store';
import type { PublicReportListBody } from '../contract/schemas/reports';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { publicReportQuery } from './inputs/reports';
import { publicReportView } from './views/reports';

/** GET /api/reports: the published reports as the archive lists them, newest first, a page at a time. */
export const handler = httpRoute(async (event) => {
  const { soort, cursor } = parseQuery(event, publicReportQuery);
  const list = await reportStore().list({
    status: 'published',
    limit: 50,
    ...(soort ? { kind: soort } : {}),
    ...(cursor ? { cursor } : {}),
  });
  return json(200, {
    items: list.items.map(publicReportView),
    nextCursor: list.nextCursor,
  } satisfies PublicReportListBody);
});
