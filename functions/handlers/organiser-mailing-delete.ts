import { mailingStore } from '../composition/mailing-store';
import { deleteMailingDraft } from '../core/mailings/drafts';
import { organiserRoute } from './http/organiser-route';
import { ifMatchVersion } from './http/request';

/** Deletes a draft (If-Match when given); a mailing past its draft is cancelled instead (409). */
export const handler = organiserRoute(async (event) => {
  const version = ifMatchVersion(event, { required: false });
  await deleteMailingDraft({ store: mailingStore() }, event.pathParameters?.id ?? '', version);
  return { statusCode: 204, headers: {}, body: '' };
});
