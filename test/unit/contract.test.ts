import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import document from '../../functions/contract/openapi.json' with { type: 'json' };
import { operations } from '../../functions/contract/operations';
import { problemTypes } from '../../functions/contract/problems';
import { DomainError } from '../../functions/core/errors';
import { StillContended } from '../../functions/core/ports';
import { mapError } from '../../functions/handlers/http/edge';
import {
  MalformedBody,
  PayloadTooLarge,
  PreconditionRequired,
  TooManyRequests,
  UnsupportedMediaType,
} from '../../functions/handlers/http/transport-errors';
import { routeKey, routes } from '../../functions/routes';
import { type OpenApiDocument, renderApiDocs } from '../../functions/web/pages/api-docs';
import { buildDocument, documentText } from '../../lib/contract/openapi-document';
import { type ContractDocument, createContractCheck, createSchemaCompiler } from '../support/contract';

/**
 * The contract (functions/contract): the OpenAPI 3.1 document covers every route of the route table, is
 * valid OpenAPI, its schemas compile as JSON Schema 2020-12 and its examples match them; the written file is
 * what the generator makes now. Each check is shown to fail on a broken document.
 */

const contract = document as unknown as ContractDocument & OpenApiDocument;

/** The route table's routes the document lacks. */
const missingRoutes = (doc: ContractDocument): string[] =>
  routes.filter((route) => !doc.paths[route.path]?.[route.method.toLowerCase()]).map(routeKey);

/** Every schema of the document with an example beside it: request bodies and answers. */
const examples = (doc: ContractDocument) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, operation]) => [
      ...Object.entries(operation.requestBody?.content ?? {}).map(([type, media]) => ({
        where: `${method} ${path} request ${type}`,
        media,
      })),
      ...Object.entries(operation.responses).flatMap(([status, response]) =>
        Object.entries(response.content ?? {}).map(([type, media]) => ({
          where: `${method} ${path} ${status} ${type}`,
          media,
        })),
      ),
    ]),
  );

describe('the OpenAPI document', () => {
  it('is what the generator makes from the route table and the schemas now (else: npm run contract)', () => {
    const written = readFileSync(join('functions', 'contract', 'openapi.json'), 'utf8');
    expect(
      written === documentText(buildDocument()),
      'functions/contract/openapi.json is stale: run `npm run contract`',
    ).toBe(true);
  });

  it('has every route of the route table, and fails when one is removed (the check can fail)', () => {
    expect(missingRoutes(contract)).toEqual([]);
    const paths = structuredClone(contract.paths) as Record<string, Record<string, unknown>>;
    delete paths['/api/organiser/meetings/{id}/cancel']?.post;
    expect(missingRoutes({ ...contract, paths } as ContractDocument)).toEqual([
      'POST /api/organiser/meetings/{id}/cancel',
    ]);
  });

  it('cannot be made while a route lacks its operation, or an operation its route', () => {
    const { 'POST /api/organiser/meetings/{id}/cancel': _, ...lacking } = operations;
    expect(() => buildDocument(routes, lacking)).toThrow('POST /api/organiser/meetings/{id}/cancel');
    expect(() => buildDocument(routes.slice(1), operations)).toThrow(
      routeKey(routes[0] as (typeof routes)[0]),
    );
  });

  it('validates as OpenAPI 3.1 (@seriousme/openapi-schema-validator), and a broken one does not', async () => {
    const valid = await new Validator().validate(structuredClone(document) as never);
    expect(valid.errors ?? [], JSON.stringify(valid.errors)).toEqual([]);
    expect(valid.valid).toBe(true);
    const broken = structuredClone(document) as { info: { title?: string } };
    delete broken.info.title;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it('compiles every schema as strict JSON Schema 2020-12, and every example matches its schema', () => {
    const compile = createSchemaCompiler(contract);
    const found = examples(contract).filter(({ media }) => media.schema !== undefined);
    expect(found.length).toBeGreaterThan(60);
    const mismatches = found.flatMap(({ where, media }) => {
      // A form's example is what the browser sends: every field it names is a field of the form.
      if (typeof media.example === 'string' && where.includes('form')) {
        const fields = Object.keys((media.schema as { properties?: object }).properties ?? {});
        const unknown = [...new URLSearchParams(media.example).keys()].filter(
          (name) => !fields.includes(name),
        );
        return unknown.length === 0 ? [] : [`${where}: the example names ${unknown.join(', ')}`];
      }
      const validate = compile(media.schema);
      return media.example === undefined || validate(media.example)
        ? []
        : [`${where}: ${JSON.stringify(validate.errors?.slice(0, 3))}`];
    });
    expect(mismatches).toEqual([]);
    // A wrong example is caught: the meeting's capacity as text.
    const meeting =
      contract.paths['/api/organiser/meetings/{id}']?.get?.responses['200']?.content?.['application/json'];
    expect(compile(meeting?.schema)({ ...(meeting?.example as object), capacity: '60' })).toBe(false);
  });

  it('says which role each organiser route needs, as the route table does', () => {
    for (const route of routes) {
      const operation = contract.paths[route.path]?.[route.method.toLowerCase()] as
        | { security?: Record<string, string[]>[] }
        | undefined;
      const roles = operation?.security?.flatMap((requirement) => Object.values(requirement).flat()) ?? [];
      expect(roles, routeKey(route)).toEqual(route.access === 'public' ? [] : [route.access]);
    }
  });

  it('lists every problem type the code has, with the status the edge gives it', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? sources(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [readFileSync(join(dir, entry.name), 'utf8')]
            : [],
      );
    const text = sources('functions').join('\n');
    const codes = new Set([
      ...[...text.matchAll(/readonly code = '([a-z-]+)'/g)].map((match) => match[1]),
      ...[...text.matchAll(/super\(\s*\d{3},\s*'([a-z-]+)'/g)].map((match) => match[1]),
    ]);
    expect([...codes].filter((code) => !(code && code in problemTypes))).toEqual([]);
    expect(codes.size).toBeGreaterThan(20);

    // The status is the edge's: a domain error of each code, each transport error, contention, a crash.
    class Probe extends DomainError {
      constructor(readonly code: string) {
        super('');
      }
    }
    const mapped = Object.fromEntries(
      [...codes].map((code) => [code, mapError(new Probe(code ?? '')).status] as const),
    );
    for (const error of [
      new PayloadTooLarge(1024),
      new UnsupportedMediaType(['application/json']),
      new MalformedBody('JSON'),
      new PreconditionRequired(),
      new TooManyRequests(1),
    ]) {
      mapped[error.code] = mapError(error).status;
    }
    mapped['concurrent-change'] = mapError(new StillContended()).status;
    mapped.internal = mapError(new Error('boom')).status;
    const documented = Object.fromEntries(
      Object.entries(problemTypes).map(([code, { status }]) => [code, status]),
    );
    expect(mapped).toEqual(documented);
  });
});

describe('the contract check of an answer', () => {
  const check = createContractCheck(contract);
  const route = { method: 'GET', path: '/api/meetings/{id}' } as const;
  const jsonAnswer = (statusCode: number, body: unknown, type = 'application/json; charset=utf-8') => ({
    route,
    statusCode,
    headers: { 'content-type': type },
    body: Buffer.from(JSON.stringify(body)),
  });
  const example = contract.paths['/api/meetings/{id}']?.get?.responses['200']?.content?.['application/json']
    ?.example as Record<string, unknown>;
  /** A problem answer of `status` whose body names `type` (and `problemStatus`, the answer's by default). */
  const problemAnswer = (status: number, type: string, title: string, problemStatus = status) =>
    jsonAnswer(
      status,
      { type: `urn:dropin:problem:${type}`, title, status: problemStatus, instance: '/api/meetings/x' },
      'application/problem+json; charset=utf-8',
    );

  it('passes an answer as documented', () => {
    expect(check(jsonAnswer(200, example))).toEqual([]);
    expect(check(problemAnswer(404, 'not-found', 'Niet gevonden'))).toEqual([]);
  });

  it('flags an undocumented status, media type, field or problem type', () => {
    expect(check(jsonAnswer(418, example))[0]).toContain('no 418');
    expect(check(jsonAnswer(200, example, 'text/plain'))[0]).toContain('answered text/plain');
    expect(check(jsonAnswer(200, { ...example, secret: 'x' }))[0]).toContain('does not match');
    expect(check(jsonAnswer(200, { ...example, placesLeft: undefined }))[0]).toContain('placesLeft');
    expect(check(problemAnswer(404, 'slug-taken', 'Conflict'))[0]).toContain('does not match');
    expect(
      check({ ...jsonAnswer(200, example), route: { method: 'GET', path: '/api/bestaat-niet' } })[0],
    ).toContain('not in the document');
    // A problem whose `status` is not the answer's.
    expect(check(problemAnswer(404, 'not-found', 'Niet gevonden', 400))[0]).toContain(
      "problem's status is 400",
    );
    // A documented header missing: the organiser's meeting without its ETag.
    const organiserMeeting =
      contract.paths['/api/organiser/meetings/{id}']?.get?.responses['200']?.content?.['application/json']
        ?.example;
    expect(
      check({
        ...jsonAnswer(200, organiserMeeting),
        route: { method: 'GET', path: '/api/organiser/meetings/{id}' },
      })[0],
    ).toContain('header ETag is missing');
    // A body where the document has none (a 204).
    expect(
      check({
        route: { method: 'DELETE', path: '/api/organiser/mailings/{id}' },
        statusCode: 204,
        headers: {},
        body: Buffer.from('{}'),
      })[0],
    ).toContain('documented without a body');
  });
});

describe('the docs page', () => {
  const page = renderApiDocs(contract);

  it('renders every route of the table with its summary, role, example request and answers', () => {
    for (const route of routes) {
      expect(page, routeKey(route)).toContain(`<code>${routeKey(route)}</code>`);
    }
    const sections = page.split('<section class="route"').length - 1;
    expect(sections).toBe(routes.length);
    expect(page).toContain('Rol: admins');
    expect(page).toContain('Voorbeeld van een verzoek');
    expect(page).not.toContain('<script');
  });
});
