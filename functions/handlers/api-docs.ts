import document from '../contract/openapi.json' with { type: 'json' };
import { apiDocsCssHash, type OpenApiDocument, renderApiDocs } from '../web/pages/api-docs';
import { siteCssHash } from '../web/style';
import { httpRoute } from './http/edge';
import { json, movedPermanently, page } from './http/respond';
import { pageHeaders } from './http/security-headers';

/**
 * The API described (functions/contract): `/api/openapi.json` is the OpenAPI 3.1 document made at build time
 * from the zod schemas the handlers validate with; `/api/docs` is that document as a Dutch page, rendered
 * once per warm function; `/api` leads there.
 */

const sitePolicy = pageHeaders['content-security-policy'] ?? '';
if (!sitePolicy.includes(`'${siteCssHash}'`)) {
  throw new Error("The pages' Content-Security-Policy no longer names the site's style by hash");
}
/**
 * A page under /api: the edge would give it the API's policy (`default-src 'none'`), so it takes the pages'
 * own, which allows the docs' style block by its hash beside the site's.
 */
const docsPolicy = sitePolicy.replace(`'${siteCssHash}'`, `'${siteCssHash}' '${apiDocsCssHash}'`);

let rendered: string | undefined;

const cacheable = { 'cache-control': 'public, max-age=300' };

export const handler = httpRoute(async (event) => {
  if (event.rawPath === '/api/openapi.json') return json(200, document, cacheable);
  if (event.rawPath === '/api/docs') {
    rendered ??= renderApiDocs(document as unknown as OpenApiDocument);
    return page(200, rendered, { ...cacheable, 'content-security-policy': docsPolicy });
  }
  return movedPermanently('/api/docs', cacheable);
});
