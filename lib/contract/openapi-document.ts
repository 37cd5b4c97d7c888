import * as z from 'zod/mini';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import { fieldMeanings } from '../../functions/contract/field-meanings';
import {
  type Answer,
  type AnswerHeader,
  capabilities,
  type Operation,
  operations,
} from '../../functions/contract/operations';
import { type ProblemCode, problemType, problemTypes } from '../../functions/contract/problems';
import { gatewayMessage, id, problemDetails } from '../../functions/contract/schemas/common';
import {
  type HttpMethod,
  isApiPath,
  isOrganiserRoute,
  type Route,
  routeKey,
  routes,
} from '../../functions/routes';

/**
 * The OpenAPI 3.1 document of the route table, made at build time (`npm run contract` writes
 * functions/contract/openapi.json; a test fails while that file is stale). zod-openapi turns the zod
 * schemas into JSON Schema here only: no handler loads it (the docs route serves the written file).
 */

const mediaTypes = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  calendar: 'text/calendar; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
} as const;

/** A header the answer always carries (the contract check holds answers to it). */
const header = (name: string, description: string) => ({
  [name]: { description, required: true, schema: { type: 'string' } },
});

const headerObjects: Record<AnswerHeader, ReturnType<typeof header>> = {
  etag: header('ETag', 'De versie, `"<versie>"`: stuur hem terug als `If-Match`.'),
  location: header('Location', 'Het adres van het nieuwe in de API.'),
  'x-public-page': header('X-Public-Page', 'Het adres van de openbare pagina.'),
  redirect: header('Location', 'Waarheen.'),
};

const pathParameters = (path: string): string[] =>
  [...path.matchAll(/\{(\w+)\+?\}/g)].map((match) => match[1] ?? '');

/** What a path parameter names unless the operation says otherwise (`pathParameters`). */
const pathParameterDescriptions: Record<string, string> = {
  id: 'De id.',
  slug: 'Het eigen adres van de publicatie.',
  personId: 'De persoons-id van de aanvrager (32 hexadecimale tekens).',
};

/** The problems a route may answer: its own, and those every route of its kind may. */
export const problemsOf = (route: Route, operation: Operation): ProblemCode[] => {
  const codes = new Set<ProblemCode>(operation.problems ?? []);
  codes.add('internal');
  if (isOrganiserRoute(route)) codes.add('not-permitted');
  if (pathParameters(route.path).length > 0 || operation.token) codes.add('not-found');
  if (operation.token) codes.add('invalid-token');
  if (operation.query || (operation.body && !operation.body.unchecked)) codes.add('invalid-input');
  if (operation.body) {
    codes.add('malformed-body');
    codes.add('payload-too-large');
    codes.add('unsupported-media-type');
  }
  if (operation.ifMatch) codes.add('stale-version');
  if (operation.ifMatch === 'required') codes.add('precondition-required');
  if (route.method !== 'GET') codes.add('concurrent-change');
  if (route.limit) codes.add('too-many-requests');
  return [...codes];
};

/** A problem whose `type` is one of these. */
const problemOf = (codes: readonly ProblemCode[]) =>
  z.intersection(
    problemDetails,
    z.looseObject({ type: z.enum(codes.map(problemType) as [string, ...string[]]) }),
  );

const answerObject = (answer: Answer): ZodOpenApiResponseObject => ({
  description: answer.description,
  ...(answer.headers
    ? { headers: Object.assign({}, ...answer.headers.map((header) => headerObjects[header])) }
    : {}),
  ...(answer.body === undefined
    ? {}
    : typeof answer.body === 'string'
      ? { content: { [mediaTypes[answer.body]]: { schema: { type: 'string' } } } }
      : { content: { 'application/json': { schema: answer.body.schema, example: answer.body.example } } }),
});

const errorAnswers = (route: Route, operation: Operation): Record<string, ZodOpenApiResponseObject> => {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of problemsOf(route, operation)) {
    const { status } = problemTypes[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const answers: Record<string, ZodOpenApiResponseObject> = {};
  if (isOrganiserRoute(route)) {
    answers['401'] = {
      description:
        'Geen of een ongeldig token: API Gateway weigert het verzoek met zijn eigen body (`not-authenticated` als een token toch geen organisator noemt).',
      content: {
        'application/json': { schema: gatewayMessage },
        'application/problem+json': { schema: problemOf(['not-authenticated']) },
      },
    };
  }
  // A page's link signed with a key since retired is gone for good (410); its page says how to get a fresh one.
  const retiredLinkPage = operation.token !== undefined && !isApiPath(route.path);
  if (retiredLinkPage) byStatus.set(410, byStatus.get(410) ?? []);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    if (operation.answers[status]) continue; // a page's own answer for this status (a form with its errors)
    const meanings = [
      ...codes.map((code) => `\`${code}\`: ${problemTypes[code].meaning}`),
      ...(status === 410 && retiredLinkPage
        ? ['De link is te oud om nog te gebruiken; de pagina zegt hoe je een nieuwe krijgt.']
        : []),
    ].join(' ');
    answers[String(status)] = isApiPath(route.path)
      ? { description: meanings, content: { 'application/problem+json': { schema: problemOf(codes) } } }
      : {
          description: `Een Nederlandse foutpagina. ${meanings}`,
          content: { [mediaTypes.html]: { schema: { type: 'string' } } },
        };
  }
  return answers;
};

/** An operation's id: its entry's name, numbered from the second route an entry serves (`organiserMailingControl2`). */
const operationIdOf = (route: Route, table: readonly Route[]): string => {
  const nth = table.filter((other) => other.entry === route.entry).indexOf(route);
  return nth === 0 ? route.entry : `${route.entry}${nth + 1}`;
};

const operationObject = (
  route: Route,
  operation: Operation,
  operationId: string,
): ZodOpenApiOperationObject => {
  const names = pathParameters(route.path);
  if (operation.token && operation.query) {
    throw new Error(
      `${routeKey(route)}: a route reads either a link token or a query (extend the operation type)`,
    );
  }
  const query = operation.token
    ? z.object({ token: z.string().check(z.describe(`Het token uit ${operation.token}.`)) })
    : operation.query;
  const role = route.access;
  return {
    operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.capability],
    ...(role === 'public' ? { security: [] } : { security: [{ organiserToken: [role] }] }),
    requestParams: {
      ...(names.length > 0
        ? {
            path: z.object(
              Object.fromEntries(
                names.map((name) => [
                  name,
                  id.check(
                    z.describe(operation.pathParameters?.[name] ?? pathParameterDescriptions[name] ?? name),
                  ),
                ]),
              ),
            ),
          }
        : {}),
      ...(query ? { query: query as z.ZodMiniObject } : {}),
      ...(operation.ifMatch
        ? {
            header: z.object({
              'if-match':
                operation.ifMatch === 'required'
                  ? z.string().check(z.describe('De ETag van de versie die je wijzigt (verplicht).'))
                  : z.optional(z.string().check(z.describe('De ETag van de versie die je wijzigt.'))),
            }),
          }
        : {}),
    },
    ...(operation.body
      ? {
          requestBody: {
            required: operation.body.optional !== true,
            description:
              operation.body.description ??
              (operation.body.kind === 'form'
                ? 'Een formulier (urlencoded of multipart), zoals de pagina het stuurt: een aangevinkt vakje stuurt `true`, een lijst herhaalt de naam (`topics=nieuwsbrief&topics=publicaties`).'
                : 'JSON (UTF-8).'),
            content:
              operation.body.kind === 'json'
                ? {
                    'application/json': {
                      schema: operation.body.schema,
                      ...(operation.body.example !== undefined ? { example: operation.body.example } : {}),
                    },
                  }
                : {
                    'application/x-www-form-urlencoded': {
                      schema: operation.body.schema,
                      ...(operation.body.formExample !== undefined
                        ? { example: operation.body.formExample }
                        : {}),
                    },
                    'multipart/form-data': { schema: operation.body.schema },
                  },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(operation.answers).map(([status, answer]) => [status, answerObject(answer)]),
      ),
      ...errorAnswers(route, operation),
    },
  };
};

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

/**
 * Gives every property of a request schema its meaning: the operation's own for its path, else
 * field-meanings.ts's for its path, or for its name at the top level (a nested `role` is not a person's role).
 */
const describeFields = (
  schema: SchemaNode | undefined,
  meanings: Readonly<Record<string, string>>,
  prefix = '',
): void => {
  if (!schema) return;
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    property.description ??=
      meanings[path] ?? fieldMeanings[path] ?? (prefix === '' ? fieldMeanings[name] : undefined);
    describeFields(property, meanings, `${path}.`);
  }
  describeFields(schema.items, meanings, prefix);
  for (const part of [...(schema.anyOf ?? []), ...(schema.allOf ?? [])])
    describeFields(part, meanings, prefix);
};

interface DocumentNode {
  paths?: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; description?: string }[];
        requestBody?: { content: Record<string, { schema?: SchemaNode }> };
      }
    >
  >;
}

/**
 * The requests' fields and query parameters described, in place. Request schemas are inline (no `$ref`), so
 * each is described in its own place.
 */
const describeRequests = <T>(document: T, table: Readonly<Record<string, Operation>>): T => {
  for (const [path, item] of Object.entries((document as DocumentNode).paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      const meanings =
        table[routeKey({ method: method.toUpperCase() as HttpMethod, path })]?.fieldMeanings ?? {};
      for (const parameter of operation.parameters ?? []) {
        parameter.description ??= meanings[parameter.name] ?? fieldMeanings[parameter.name];
      }
      for (const media of Object.values(operation.requestBody?.content ?? {}))
        describeFields(media.schema, meanings);
    }
  }
  return document;
};

/** The document: every route of the table, or a throw naming the first route the contract lacks. */
export const buildDocument = (
  table: readonly Route[] = routes,
  table2: Readonly<Record<string, Operation>> = operations,
) => {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const route of table) {
    const operation = table2[routeKey(route)];
    if (!operation)
      throw new Error(
        `The contract has no operation for ${routeKey(route)} (functions/contract/operations.ts)`,
      );
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: operationObject(route, operation, operationIdOf(route, table)),
    };
  }
  const extra = Object.keys(table2).filter((key) => !table.some((route) => routeKey(route) === key));
  if (extra.length > 0)
    throw new Error(`The contract describes routes the table does not have: ${extra.join(', ')}`);
  return describeRequests(
    createDocument(
      {
        openapi: '3.1.0',
        info: {
          title: 'Drop In API',
          version: '1',
          description: [
            'De API van Drop In: de nieuwsbrief, de bijeenkomsten van het kennisnetwerk en de publicaties.',
            'Organisatoren sturen alles aan met een JWT (`Authorization: Bearer …`) met hun rol in de claim `cognito:groups`: `organisers` of `admins` (die mag alles).',
            'Fouten zijn `application/problem+json` (RFC 9457) met een vaste `type`, behalve wat API Gateway zelf weigert (een ontbrekend of ongeldig token: 401 met `{"message": …}`); wijzigen gaat met de ETag als `If-Match`; lijsten zijn per pagina met `cursor`.',
          ].join('\n\n'),
        },
        tags: Object.entries(capabilities).map(([name, description]) => ({ name, description })),
        components: {
          securitySchemes: {
            organiserToken: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description: 'Een JWT van de organisatoren-userpool; de vereiste rol staat bij elke route.',
            },
          },
        },
        paths,
      },
      { reused: 'inline' },
    ),
    table2,
  );
};

/** The document as the file holds it: two-space JSON with a final newline. */
export const documentText = (document: ReturnType<typeof buildDocument>): string =>
  `${JSON.stringify(document, null, 2)}\n`;
