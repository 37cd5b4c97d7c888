import { reportStore } from '../composition/report-store';
import type { OrganiserReportListBody } from '../contract/schemas/reports';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { reportListQuery } from './inputs/reports';
import { organiserReportView } from './views/reports';

/** Reports per status (drafts included), newest date first: a Query, never a Scan. */
export const handler = httpRoute(async (event) => {
  const { status, cursor, limit } = parseQuery(event, reportListQuery);
  const page = await reportStore().list({ status, limit, ...(cursor ? { cursor } : {}) });
  return json(200, {
    items: page.items.map(organiserReportView),
    nextCursor: page.nextCursor,
  } satisfies OrganiserReportListBody);
});
