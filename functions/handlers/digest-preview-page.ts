import { tokens } from '../composition/keys';
import { mailingPreview } from '../composition/mailing-review';
import { NotFound } from '../core/errors';
import { previewMailing } from '../core/mailings/review';
import { renderDigestPreview } from '../web/pages/digest-preview';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/**
 * `GET /vooruitblik/voorbeeld?token=…`: the drafted Vooruitblik as its readers will get it, from the signed
 * link in the organisers' alert (purpose `preview-digest`, for that digest only, until a day after its time).
 * The page is the mail's own HTML, so its policy allows the mail's inline styles and nothing that runs.
 */
export const handler = httpRoute(async (event) => {
  const { id } = await (await tokens()).verify(linkToken(event), 'preview-digest');
  const { stored, preview } = await previewMailing(mailingPreview(), id);
  if (stored.mailing.digestFor === undefined) throw new NotFound('Deze Vooruitblik bestaat niet.');
  return page(200, renderDigestPreview(preview, stored.mailing), {
    ...tokenPageHeaders,
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  });
});
