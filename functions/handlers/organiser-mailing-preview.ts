import { mailingPreview } from '../composition/mailing-review';
import type { MailingPreviewBody } from '../contract/schemas/mailings';
import { previewMailing } from '../core/mailings/review';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { mailingEtag } from './views/mailings';

/** The exact subject, HTML and plain text a sample recipient gets, with sample greeting and links. */
export const handler = httpRoute(async (event) => {
  const { stored, preview } = await previewMailing(mailingPreview(), event.pathParameters?.id ?? '');
  return json(200, preview satisfies MailingPreviewBody, { etag: mailingEtag(stored.mailing) });
});
