import { createHash } from 'node:crypto';
import { type Html, html } from '../html';
import { renderPage } from '../page';

/**
 * `/api/docs`: the OpenAPI document (functions/contract/openapi.json) as a Dutch page, server-rendered and
 * without script: every route grouped by capability, with its purpose, its role, its fields, an example
 * request and an example answer, and the problems it may answer.
 */

/** The parts of an OpenAPI 3.1 document this page reads. */
interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly default?: unknown;
  readonly description?: string;
}

interface MediaType {
  readonly schema?: JsonSchema;
  readonly example?: unknown;
}

interface Parameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: JsonSchema;
}

interface ResponseObject {
  readonly description: string;
  readonly content?: Readonly<Record<string, MediaType>>;
  readonly headers?: Readonly<Record<string, unknown>>;
}

interface OperationObject {
  readonly operationId: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: {
    readonly required?: boolean;
    readonly content: Readonly<Record<string, MediaType>>;
  };
  readonly responses: Readonly<Record<string, ResponseObject>>;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly description?: string };
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, OperationObject>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> };
}

/** The docs page's own styles; its Content-Security-Policy allows them by hash, beside the site's. */
export const apiDocsCss = `
.docs main{max-width:64rem}
.docs pre{background:var(--soft);padding:.75rem;overflow-x:auto;font-size:.875rem;border-radius:.375rem}
.docs table{border-collapse:collapse;width:100%;font-size:.9375rem;margin:.5rem 0}
.docs th,.docs td{border-top:1px solid #ddd;padding:.375rem .5rem;text-align:left;vertical-align:top}
.docs code{font-size:.9375em;overflow-wrap:anywhere}
.docs td:first-child{min-width:11rem}
.docs section.route{border-top:2px solid var(--accent);margin-top:2rem}
.docs .role{display:inline-block;background:var(--soft);border-radius:.25rem;padding:0 .5rem;font-weight:600}
.docs h3{font-size:1.1875rem;margin:1rem 0 .25rem}
.docs h4{font-size:1rem;margin:1rem 0 .25rem}
`.trim();

export const apiDocsCssHash = `sha256-${createHash('sha256').update(apiDocsCss).digest('base64')}`;

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `text` with `code` spans for backticks; everything else escaped. */
const prose = (text: string): Html =>
  html`${text.split(/(`[^`]+`)/).map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? html`<code>${part.slice(1, -1)}</code>` : part))}`;

const paragraphs = (text: string | undefined): Html =>
  html`${(text ?? '')
    .split(/\n\n+/)
    .filter(Boolean)
    .map((part) => html`<p>${prose(part)}</p>`)}`;

const refName = (ref: string): string => ref.split('/').at(-1) ?? ref;

const typeNames: Record<string, string> = {
  string: 'tekst',
  integer: 'geheel getal',
  number: 'getal',
  boolean: 'true/false',
  object: 'object',
  array: 'lijst',
  null: 'null',
};

/** A field's type and rules in a few Dutch words. */
const describeType = (schema: JsonSchema, resolve: (schema: JsonSchema) => JsonSchema): string => {
  const own = resolve(schema);
  const variants = own.anyOf ?? own.oneOf;
  if (variants) return variants.map((variant) => describeType(variant, resolve)).join(' of ');
  if (own.const !== undefined) return JSON.stringify(own.const);
  if (own.enum) return `één van ${own.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  const types = Array.isArray(own.type) ? own.type : own.type ? [own.type] : [];
  let text = types.map((type) => typeNames[type] ?? type).join(' of ') || 'waarde';
  if (own.type === 'array' && own.items) text = `lijst van ${describeType(own.items, resolve)}`;
  if (own.format === 'date-time') text = 'tijdstip (RFC 3339)';
  else if (own.format === 'date') text = 'datum (JJJJ-MM-DD)';
  else if (own.format === 'email') text = 'e-mailadres';
  const rules: string[] = [];
  if (own.minLength !== undefined && own.maxLength !== undefined)
    rules.push(`${own.minLength}–${own.maxLength} tekens`);
  else if (own.maxLength !== undefined) rules.push(`hoogstens ${own.maxLength} tekens`);
  else if (own.minLength !== undefined && own.minLength > 0) rules.push(`minstens ${own.minLength} tekens`);
  // zod bounds every integer by JavaScript's safe range: no rule worth a word.
  const minimum =
    own.minimum !== undefined && own.minimum > Number.MIN_SAFE_INTEGER ? own.minimum : undefined;
  const maximum =
    own.maximum !== undefined && own.maximum < Number.MAX_SAFE_INTEGER ? own.maximum : undefined;
  if (minimum !== undefined && maximum !== undefined) rules.push(`${minimum}–${maximum}`);
  else if (minimum !== undefined && minimum !== 0) rules.push(`minstens ${minimum}`);
  else if (maximum !== undefined) rules.push(`hoogstens ${maximum}`);
  if (own.minItems !== undefined && own.minItems > 0) rules.push(`minstens ${own.minItems}`);
  if (own.maxItems !== undefined) rules.push(`hoogstens ${own.maxItems}`);
  if (own.default !== undefined) rules.push(`standaard ${JSON.stringify(own.default)}`);
  return rules.length > 0 ? `${text} (${rules.join('; ')})` : text;
};

interface FieldRow {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly description?: string;
}

/** The fields of an object schema, nested objects as `a.b`, lists of objects as `a[].b`. */
const fieldRows = (
  schema: JsonSchema,
  resolve: (schema: JsonSchema) => JsonSchema,
  prefix = '',
  depth = 0,
): FieldRow[] => {
  const own = resolve(schema);
  const parts = own.allOf ?? [own];
  return parts.flatMap((part) => {
    const object = resolve(part);
    return Object.entries(object.properties ?? {}).flatMap(([name, property]) => {
      const field = resolve(property);
      const path = `${prefix}${name}`;
      const description = field.description ?? property.description;
      const row: FieldRow = {
        name: path,
        type: describeType(property, resolve),
        required: object.required?.includes(name) ?? false,
        ...(description ? { description } : {}),
      };
      if (depth >= 3) return [row];
      if (field.properties)
        return [{ ...row, type: 'object' }, ...fieldRows(field, resolve, `${path}.`, depth + 1)];
      // A choice of objects (a mailing's audience): every field any of them has, once.
      const variants = (field.anyOf ?? field.oneOf ?? []).map(resolve);
      const objects = variants.filter((variant) => variant.properties);
      if (objects.length > 0) {
        const seen = new Set<string>();
        const fields = objects
          .flatMap((variant) => fieldRows(variant, resolve, `${path}.`, depth + 1))
          .filter((field) => !seen.has(field.name) && seen.add(field.name))
          .map((field) => ({ ...field, required: false }));
        const nullable = variants.some((variant) => variant.type === 'null');
        const type = objects.length > 1 ? 'object (één van de vormen)' : 'object';
        return [{ ...row, type: nullable ? `${type} of null` : type }, ...fields];
      }
      const item = field.items ? resolve(field.items) : undefined;
      if (item?.properties) {
        return [{ ...row, type: 'lijst van objecten' }, ...fieldRows(item, resolve, `${path}[].`, depth + 1)];
      }
      return [row];
    });
  });
};

const fieldTable = (rows: readonly FieldRow[], requiredHeading = 'Verplicht'): Html =>
  rows.length === 0
    ? html``
    : html`<table>
<thead><tr><th scope="col">Veld</th><th scope="col">Soort</th><th scope="col">${requiredHeading}</th><th scope="col">Betekenis</th></tr></thead>
<tbody>${rows.map(
        (row) =>
          html`<tr><td><code>${row.name}</code></td><td>${row.type}</td><td>${row.required ? 'ja' : 'nee'}</td><td>${row.description ? prose(row.description) : ''}</td></tr>`,
      )}</tbody>
</table>`;

const roleOf = (operation: OperationObject): string => {
  const roles = operation.security?.flatMap((requirement) => Object.values(requirement).flat()) ?? [];
  return roles.length === 0 ? 'Openbaar' : `Rol: ${roles.join(', ')}`;
};

/** What an example path looks like: the template with sample ids. */
const examplePath = (path: string): string =>
  path
    .replace('{personId}', '3f2a9c4e8b1d4f6a9e0c7b5d2a1f8e36')
    .replace('suppressions/{id}', 'suppressions/3f2a9c4e8b1d4f6a9e0c7b5d2a1f8e36')
    .replace('{slug}', 'jaarupdate-2024')
    .replace('{id}', '01jf3q8z6w9x2v7k4n5m8p1r3t');

const exampleRequest = (method: string, path: string, operation: OperationObject): string => {
  const query = (operation.parameters ?? []).filter(
    (parameter) => parameter.in === 'query' && parameter.required,
  );
  const token = (operation.parameters ?? []).some((parameter) => parameter.name === 'token');
  const search = token
    ? '?token=…'
    : query.length > 0
      ? `?${query.map((parameter) => `${parameter.name}=…`).join('&')}`
      : '';
  const lines = [`${method.toUpperCase()} ${examplePath(path)}${search} HTTP/1.1`];
  if (operation.security && operation.security.length > 0) lines.push('Authorization: Bearer <jwt>');
  if (
    (operation.parameters ?? []).some(
      (parameter) => parameter.in === 'header' && parameter.name === 'if-match',
    )
  ) {
    lines.push('If-Match: "3"');
  }
  const content = operation.requestBody?.content ?? {};
  const jsonBody = content['application/json'];
  if (jsonBody) {
    lines.push('Content-Type: application/json', '');
    lines.push(jsonBody.example !== undefined ? JSON.stringify(jsonBody.example, null, 2) : '{ … }');
  } else if (content['application/x-www-form-urlencoded']) {
    const example = content['application/x-www-form-urlencoded'].example;
    lines.push(
      'Content-Type: application/x-www-form-urlencoded',
      '',
      typeof example === 'string' ? example : '',
    );
  }
  return lines.join('\n');
};

/** The answer a route is for: something made, accepted, shown, or where to go. */
const successStatus = (responses: Readonly<Record<string, ResponseObject>>): string | undefined =>
  ['201', '202', '200', '204', '301', '302'].find((status) => responses[status] !== undefined);

/** What a document that is not JSON starts with, in an example answer. */
const documentStarts: Readonly<Record<string, string>> = {
  'text/html': '<!doctype html>\n<html lang="nl">…',
  'text/csv': '\uFEFFnaam;e-mail;status;…\nJamila de Vries;j.devries@voorbeeld.nl;confirmed;…',
  'text/calendar': 'BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Drop In//NL\nBEGIN:VEVENT\n…',
  'application/atom+xml':
    '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">…',
};

const exampleAnswer = (status: string, response: ResponseObject): string => {
  const [mediaType, media] = Object.entries(response.content ?? {})[0] ?? [];
  const lines = [`HTTP/1.1 ${status}`];
  if (mediaType) lines.push(`Content-Type: ${mediaType}`);
  const version = (media?.example as { version?: unknown } | undefined)?.version;
  for (const header of Object.keys(response.headers ?? {})) {
    if (header === 'ETag') lines.push(`ETag: "${typeof version === 'number' ? version : 1}"`);
    else lines.push(`${header}: …`);
  }
  const start = documentStarts[mediaType?.split(';')[0] ?? ''];
  if (media?.example !== undefined) lines.push('', JSON.stringify(media.example, null, 2));
  else if (start) lines.push('', start);
  return lines.join('\n');
};

const problemTypesOf = (response: ResponseObject): string[] => {
  const schema = response.content?.['application/problem+json']?.schema;
  return (schema?.allOf ?? []).flatMap((part) => (part.properties?.type?.enum ?? []).map(String));
};

const renderOperation = (
  method: string,
  path: string,
  operation: OperationObject,
  resolve: (schema: JsonSchema) => JsonSchema,
): Html => {
  const parameters = operation.parameters ?? [];
  const content = operation.requestBody?.content ?? {};
  const body = content['application/json'] ?? content['application/x-www-form-urlencoded'];
  const success = successStatus(operation.responses);
  const successResponse = success ? operation.responses[success] : undefined;
  const successSchema = successResponse?.content?.['application/json']?.schema;
  return html`<section class="route" id="${operation.operationId}" aria-labelledby="${operation.operationId}-titel">
<h3 id="${operation.operationId}-titel"><code>${method.toUpperCase()} ${path}</code></h3>
<p><strong>${operation.summary ?? ''}</strong> <span class="role">${roleOf(operation)}</span></p>
${paragraphs(operation.description)}
${
  parameters.length > 0
    ? html`<h4>Parameters</h4>
<table>
<thead><tr><th scope="col">Naam</th><th scope="col">Waar</th><th scope="col">Soort</th><th scope="col">Verplicht</th><th scope="col">Betekenis</th></tr></thead>
<tbody>${parameters.map(
        (parameter) =>
          html`<tr><td><code>${parameter.name}</code></td><td>${{ path: 'pad', query: 'query', header: 'header' }[parameter.in] ?? parameter.in}</td><td>${parameter.schema ? describeType(parameter.schema, resolve) : ''}</td><td>${parameter.required ? 'ja' : 'nee'}</td><td>${prose(parameter.description ?? parameter.schema?.description ?? '')}</td></tr>`,
      )}</tbody>
</table>`
    : ''
}
${body?.schema ? html`<h4>Velden van de invoer${content['application/json'] ? ' (JSON)' : ' (formulier)'}</h4>${fieldTable(fieldRows(body.schema, resolve))}` : ''}
<h4>Voorbeeld van een verzoek</h4>
<pre><code>${exampleRequest(method, path, operation)}</code></pre>
${successResponse && success ? html`<h4>Voorbeeld van een antwoord</h4><pre><code>${exampleAnswer(success, successResponse)}</code></pre>` : ''}
${successSchema ? html`<details><summary>Velden van het antwoord</summary>${fieldTable(fieldRows(successSchema, resolve), 'Altijd aanwezig')}</details>` : ''}
<h4>Antwoorden</h4>
<table>
<thead><tr><th scope="col">Status</th><th scope="col">Betekenis</th><th scope="col">Fouttypes</th></tr></thead>
<tbody>${Object.entries(operation.responses).map(
    ([status, response]) =>
      html`<tr><td>${status}</td><td>${prose(response.description)}</td><td>${problemTypesOf(response).map((type) => html`<code>${type.replace('urn:dropin:problem:', '')}</code> `)}</td></tr>`,
  )}</tbody>
</table>
</section>`;
};

const problemExample = [
  'HTTP/1.1 400',
  'Content-Type: application/problem+json',
  '',
  JSON.stringify(
    {
      type: 'urn:dropin:problem:invalid-input',
      title: 'Ongeldig verzoek',
      status: 400,
      detail: 'capacity: Het veld ‘capacity’ moet een getal zijn, niet tekst.',
      instance: '/api/organiser/meetings',
      errors: [{ field: 'capacity', message: 'Het veld ‘capacity’ moet een getal zijn, niet tekst.' }],
    },
    null,
    2,
  ),
].join('\n');

/** The page: an introduction, the errors, a contents list per capability, then every route under its capability. */
export const renderApiDocs = (document: OpenApiDocument): string => {
  const schemas = document.components?.schemas ?? {};
  const resolve = (schema: JsonSchema): JsonSchema =>
    schema.$ref ? resolve(schemas[refName(schema.$ref)] ?? {}) : schema;
  const routes = Object.entries(document.paths).flatMap(([path, item]) =>
    methods.flatMap((method) => (item[method] ? [{ method, path, operation: item[method] }] : [])),
  );
  const tags = document.tags ?? [];
  const byTag = tags.map((tag) => ({
    tag,
    routes: routes.filter(({ operation }) => operation.tags?.[0] === tag.name),
  }));
  // The site's layout, with the docs' own style block after the site's and a class on the body that scopes it
  // (kept out of renderPage, which every page's bundle carries).
  return renderPage({
    title: 'API-documentatie',
    main: html`<h1>${document.info.title}</h1>
${paragraphs(document.info.description)}
<p>Het hele contract als OpenAPI ${document.openapi}: <a href="/api/openapi.json">/api/openapi.json</a>. ${routes.length} routes.</p>
<h2 id="fouten">Fouten</h2>
<p>Elke fout die de API zelf geeft, is <code>application/problem+json</code> (RFC 9457): <code>type</code> is vast en leesbaar voor programma’s, <code>detail</code> zegt in het Nederlands wat er mis is. Bij <code>invalid-input</code> noemt <code>errors</code> elk veld dat niet klopt; er is dan niets opgeslagen. Welke types een route kan geven, staat bij de route.</p>
<pre><code>${problemExample}</code></pre>
<p>Een ontbrekend of ongeldig token weigert API Gateway al voor de API: 401 met zijn eigen <code>{"message": "Unauthorized"}</code>. Pagina’s (alles buiten <code>/api</code>) geven bij dezelfde status een Nederlandse foutpagina.</p>
<nav aria-label="Inhoud van de documentatie"><h2>Inhoud</h2><ul>${byTag.map(
      ({ tag, routes: tagged }) =>
        html`<li><a href="#${slugOf(tag.name)}">${tag.name}</a> (${tagged.length})<ul>${tagged.map(
          ({ method, path, operation }) =>
            html`<li><a href="#${operation.operationId}"><code>${method.toUpperCase()} ${path}</code></a> — ${operation.summary ?? ''}</li>`,
        )}</ul></li>`,
    )}</ul></nav>
${byTag.map(
  ({ tag, routes: tagged }) => html`<h2 id="${slugOf(tag.name)}">${tag.name}</h2>
${paragraphs(tag.description)}
${tagged.map(({ method, path, operation }) => renderOperation(method, path, operation, resolve))}`,
)}`,
  })
    .replace('</head>', `<style>${apiDocsCss}</style>\n</head>`)
    .replace('<body>', '<body class="docs">');
};

const slugOf = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
