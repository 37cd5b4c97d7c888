import { mailingDrafts } from '../composition/mailings';
import type { CreatedMailingBody } from '../contract/schemas/mailings';
import { createMailingDraft } from '../core/mailings/drafts';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { createMailingRequest, mailingBodyLimitBytes } from './inputs/mailings';
import { mailingEtag, mailingView } from './views/mailings';

/** A new mailing, as a draft written by the calling organiser; its Markdown is rendered now, once. */
export const handler = organiserRoute(async (event) => {
  const content = parseJsonBody(event, createMailingRequest, { limitBytes: mailingBodyLimitBytes });
  const stored = await createMailingDraft(mailingDrafts(), content, organiserOf(event));
  return json(
    201,
    { mailingId: stored.mailing.mailingId, ...mailingView(stored) } satisfies CreatedMailingBody,
    {
      etag: mailingEtag(stored.mailing),
      location: `/api/organiser/mailings/${stored.mailing.mailingId}`,
    },
  );
});
