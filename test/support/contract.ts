import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { type Route, routeKey } from '../../functions/routes';

/**
 * Holds answers to the contract (functions/contract/openapi.json): an answer's status must be one its route
 * documents, its media type one that status documents, and a JSON body must match that status's schema —
 * for a problem, one of the route's problem types. Every integration test's answers pass through it
 * (test/support/system.ts), so the document cannot drift from what the handlers answer.
 */

interface MediaType {
  readonly schema?: unknown;
  readonly example?: unknown;
}
interface ResponseObject {
  readonly content?: Readonly<Record<string, MediaType>>;
  readonly headers?: Readonly<Record<string, { readonly required?: boolean }>>;
}
interface OperationObject {
  readonly responses: Readonly<Record<string, ResponseObject>>;
  readonly requestBody?: { readonly content: Readonly<Record<string, MediaType>> };
}
export interface ContractDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OperationObject>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, unknown>> };
}

/** One answer as the local server gave it. */
export interface Answer {
  readonly route: Pick<Route, 'method' | 'path'>;
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

const componentsId = 'https://drop-in.example/openapi/components';

/**
 * The written document, read rather than imported: every integration file runs in a fresh process, and
 * parsing the JSON is cheaper there than turning 680 KB of it into a module.
 */
export const writtenDocument = (): ContractDocument =>
  JSON.parse(readFileSync(new URL('../../functions/contract/openapi.json', import.meta.url), 'utf8'));

/** A schema of the document for Ajv: its `#/components/schemas/…` references point into the components. */
const forAjv = (schema: unknown): unknown =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${componentsId}#/$defs/`));

/** Ajv for the document's schemas: JSON Schema 2020-12 (OpenAPI 3.1's dialect), strict, every format known. */
export const createSchemaCompiler = (contract: ContractDocument) => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // OpenAPI's own annotation beside JSON Schema's `examples`.
  ajv.addKeyword({ keyword: 'example' });
  ajv.addSchema({ $id: componentsId, $defs: forAjv(contract.components?.schemas ?? {}) as object });
  // By the schema's text: the document repeats the same schema (a problem, a meeting) under many routes;
  // by the schema itself first, so an answer's check does not serialise its schema again.
  const byText = new Map<string, ValidateFunction>();
  const bySchema = new WeakMap<object, ValidateFunction>();
  return (schema: unknown): ValidateFunction => {
    const known = typeof schema === 'object' && schema !== null ? bySchema.get(schema) : undefined;
    if (known) return known;
    const key = JSON.stringify(schema);
    const validate = byText.get(key) ?? ajv.compile(forAjv(schema) as object);
    byText.set(key, validate);
    if (typeof schema === 'object' && schema !== null) bySchema.set(schema, validate);
    return validate;
  };
};

const headerValue = (headers: Answer['headers'], name: string): string => {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
};

const baseMediaType = (value: string): string => value.split(';')[0]?.trim().toLowerCase() ?? '';

/** The contract's breaches by one answer: none when it is as documented. */
export const createContractCheck = (contract: ContractDocument = writtenDocument()) => {
  const compile = createSchemaCompiler(contract);
  return ({ route, statusCode, headers, body }: Answer): string[] => {
    const where = `${routeKey(route)} → ${statusCode}`;
    const operation = contract.paths[route.path]?.[route.method.toLowerCase()];
    if (!operation) return [`${routeKey(route)} is not in the document`];
    const response = operation.responses[String(statusCode)];
    if (!response) {
      return [
        `${where}: the document has no ${statusCode} for this route (${Object.keys(operation.responses).join(', ')})`,
      ];
    }
    const missingHeaders = Object.entries(response.headers ?? {})
      .filter(([name, header]) => header.required && headerValue(headers, name) === '')
      .map(([name]) => `${where}: the documented header ${name} is missing`);
    if (missingHeaders.length > 0) return missingHeaders;
    const mediaType = baseMediaType(headerValue(headers, 'content-type'));
    if (!response.content) {
      return body.length === 0 ? [] : [`${where}: documented without a body, answered ${body.length} bytes`];
    }
    const documented = Object.entries(response.content).find(([name]) => baseMediaType(name) === mediaType);
    if (!documented) {
      return [
        `${where}: answered ${mediaType || 'no content type'}, documented ${Object.keys(response.content).join(', ')}`,
      ];
    }
    const [, media] = documented;
    if (!mediaType.endsWith('json') || media.schema === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return [`${where}: the body is not JSON`];
    }
    if (mediaType === 'application/problem+json') {
      const status =
        typeof parsed === 'object' && parsed !== null ? (parsed as { status?: unknown }).status : parsed;
      if (status !== statusCode) return [`${where}: the problem's status is ${String(status)}`];
    }
    const validate = compile(media.schema);
    if (validate(parsed)) return [];
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map(
        (error) => `${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
      );
    return [`${where}: the body does not match its schema: ${errors.join('; ')}`];
  };
};
