import { mailingStore } from '../composition/mailing-store';
import { findMailing } from '../core/mailings/drafts';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { mailingEtag, mailingView } from './views/mailings';

/** One mailing, with its version as ETag for the next change. */
export const handler = httpRoute(async (event) => {
  const stored = await findMailing({ store: mailingStore() }, event.pathParameters?.id ?? '');
  return json(200, mailingView(stored), { etag: mailingEtag(stored.mailing) });
});
