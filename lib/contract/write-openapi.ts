import { writeFileSync } from 'node:fs';
import { buildDocument, documentText } from './openapi-document';

/**
 * `npm run contract`: writes functions/contract/openapi.json, the document the docs route serves. Run it after
 * changing a route, a request schema or an answer; test/unit/contract.test.ts fails while the file is stale.
 */
const target = new URL('../../functions/contract/openapi.json', import.meta.url);
const document = buildDocument();
writeFileSync(target, documentText(document));
console.log(`functions/contract/openapi.json: ${Object.keys(document.paths ?? {}).length} paths`);
