import { mailingDrafts } from '../composition/mailings';
import { updateMailingDraft } from '../core/mailings/drafts';
import { organiserRoute } from './http/organiser-route';
import { ifMatchVersion, organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { mailingBodyLimitBytes, updateMailingRequest } from './inputs/mailings';
import { mailingEtag, mailingView } from './views/mailings';

/** Changes a draft; If-Match is required (428 without, 412 when stale); an edit voids an approval. */
export const handler = organiserRoute(async (event) => {
  const version = ifMatchVersion(event, { required: true }) ?? -1;
  const changes = parseJsonBody(event, updateMailingRequest, { limitBytes: mailingBodyLimitBytes });
  const stored = await updateMailingDraft(
    mailingDrafts(),
    event.pathParameters?.id ?? '',
    version,
    changes,
    organiserOf(event),
  );
  return json(200, mailingView(stored), { etag: mailingEtag(stored.mailing) });
});
