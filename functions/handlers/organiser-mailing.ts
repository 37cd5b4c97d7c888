import { mailingProgress } from '../composition/mailing-progress';
import { mailingStore } from '../composition/mailing-store';
import { findMailing } from '../core/mailings/drafts';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { mailingEtag, mailingView } from './views/mailings';

/** One mailing, with its version as ETag for the next change. */
export const handler = httpRoute(async (event) => {
  const id = event.pathParameters?.id ?? '';
  const [stored, progress] = await Promise.all([
    findMailing({ store: mailingStore() }, id),
    mailingProgress().get(id),
  ]);
  return json(200, mailingView(stored, progress), { etag: mailingEtag(stored.mailing) });
});
