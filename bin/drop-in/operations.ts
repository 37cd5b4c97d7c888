import { readFileSync } from 'node:fs';

/**
 * The organiser API as the OpenAPI document describes it (functions/contract/openapi.json, generated from the
 * route table and the handlers' schemas): every command names the operation it calls by its route key, and
 * takes its method, path, Dutch summary, query parameters and request body schema from here. A route that
 * changes or disappears changes or breaks the command with it (test/unit/cli.test.ts).
 */

/** The part of JSON Schema the CLI reads to turn text (options, front matter) into request fields. */
export interface FieldSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, FieldSchema>>;
  readonly required?: readonly string[];
  readonly items?: FieldSchema;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly FieldSchema[];
  readonly $ref?: string;
  readonly default?: unknown;
}

interface ParameterDocument {
  readonly name: string;
  readonly in: string;
  readonly description?: string;
  readonly required?: boolean;
  readonly schema?: FieldSchema;
}

interface OperationDocument {
  readonly operationId: string;
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: readonly ParameterDocument[];
  readonly requestBody?: {
    readonly required?: boolean;
    readonly content: Record<string, { schema?: FieldSchema }>;
  };
  readonly security?: readonly Record<string, readonly string[]>[];
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OperationDocument>>;
  readonly components?: { readonly schemas?: Record<string, FieldSchema> };
}

export interface Operation {
  /** `METHOD /path`, as in functions/routes.ts. */
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  /** The Dutch summary: a command's description. */
  readonly summary: string;
  readonly query: readonly ParameterDocument[];
  /** The JSON body's schema, if the operation takes one. */
  readonly body?: FieldSchema;
  /** The groups the operation needs (`organisers`, `admins`). */
  readonly roles: readonly string[];
}

const documentUrl = new URL('../../functions/contract/openapi.json', import.meta.url);
let loaded: OpenApiDocument | undefined;
const apiDocument = (): OpenApiDocument => {
  loaded ??= JSON.parse(readFileSync(documentUrl, 'utf8')) as OpenApiDocument;
  return loaded;
};

const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** A `$ref` to a component schema, resolved; anything else as it is. */
export const resolveSchema = (schema: FieldSchema): FieldSchema => {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = apiDocument().components?.schemas?.[name];
  if (target === undefined) throw new Error(`The API document has no schema ${name}`);
  return resolveSchema(target);
};

const toOperation = (path: string, method: string, document: OperationDocument): Operation => {
  const body = document.requestBody?.content['application/json']?.schema;
  return {
    routeKey: `${method.toUpperCase()} ${path}`,
    method: method.toUpperCase(),
    path,
    operationId: document.operationId,
    summary: document.summary ?? document.operationId,
    query: (document.parameters ?? []).filter((parameter) => parameter.in === 'query'),
    ...(body !== undefined ? { body: resolveSchema(body) } : {}),
    roles: (document.security ?? []).flatMap((requirement) => Object.values(requirement).flat()),
  };
};

/** Every operation of the document. */
export const allOperations = (): Operation[] =>
  Object.entries(apiDocument().paths).flatMap(([path, item]) =>
    httpMethods.flatMap((method) => {
      const document = item[method];
      return document === undefined ? [] : [toOperation(path, method, document)];
    }),
  );

/** The operation behind a route key; a command whose route the document lacks is a bug, said at once. */
export const operation = (routeKey: string): Operation => {
  const [method = '', path = ''] = routeKey.split(' ');
  const document = apiDocument().paths[path]?.[method.toLowerCase()];
  if (document === undefined) {
    throw new Error(`The API document (functions/contract/openapi.json) has no operation ${routeKey}`);
  }
  return toOperation(path, method.toLowerCase(), document);
};
