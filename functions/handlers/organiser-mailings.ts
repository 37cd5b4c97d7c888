import { mailingStore } from '../composition/mailing-store';
import type { MailingListBody } from '../contract/schemas/mailings';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { mailingListQuery } from './inputs/mailings';
import { mailingSummaryView } from './views/mailings';

/** Every mailing, newest first, a page at a time: a Query on GSI1, never a Scan. */
export const handler = httpRoute(async (event) => {
  const { cursor, limit } = parseQuery(event, mailingListQuery);
  const page = await mailingStore().list({ limit, ...(cursor ? { cursor } : {}) });
  return json(200, {
    items: page.items.map(mailingSummaryView),
    nextCursor: page.nextCursor,
  } satisfies MailingListBody);
});
