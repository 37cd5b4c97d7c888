import { mailingStore } from '../composition/mailing-store';
import { deleteMailingDraft } from '../core/mailings/drafts';
import { httpRoute } from './http/edge';
import { ifMatchVersion } from './http/request';

/** Deletes a draft (If-Match when given); a mailing past its draft is cancelled instead (409). */
export const handler = httpRoute(async (event) => {
  const version = ifMatchVersion(event, { required: false });
  await deleteMailingDraft({ store: mailingStore() }, event.pathParameters?.id ?? '', version);
  return { statusCode: 204, headers: {}, body: '' };
});
