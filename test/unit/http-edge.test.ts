import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { logger } from '../../functions/adapters/logger';
import { StillContended } from '../../functions/core/ports';
import { httpRoute } from '../../functions/handlers/http/edge';
import {
  type HttpEvent,
  parseFormBody,
  parseGroupsClaim,
  parseJsonBody,
} from '../../functions/handlers/http/request';
import { json } from '../../functions/handlers/http/respond';
import { handler as notFound } from '../../functions/handlers/not-found';
import { handler as organiserMe } from '../../functions/handlers/organiser-me';

/** A minimal payload v2 event; the integration tests use the local server's exact events instead. */
const event = (overrides: Partial<HttpEvent> & { claims?: Record<string, string> }): HttpEvent => {
  const { claims, ...rest } = overrides;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: 'offline',
      apiId: 'offline',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'GET',
        path: rest.rawPath ?? '/',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'r-1',
      routeKey: rest.routeKey ?? '$default',
      stage: '$default',
      time: '28/Nov/2026:12:00:00 +0000',
      timeEpoch: 0,
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
    ...rest,
  } as HttpEvent;
};
const context = { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

const echo = httpRoute(async (e) =>
  json(200, parseJsonBody(e, z.strictObject({ name: z.string().check(z.maxLength(5)) }), { limitBytes: 64 })),
);
const post = (body: string, contentType?: string, isBase64Encoded = false) =>
  echo(
    event({
      rawPath: '/api/echo',
      body,
      isBase64Encoded,
      headers: contentType ? { 'content-type': contentType } : {},
    }),
    context,
  );
const problemOf = (result: { body?: string }) => JSON.parse(result.body ?? '{}') as Record<string, unknown>;

describe('the HTTP edge', () => {
  it('answers an unknown page with the Dutch 404 page and the security headers', async () => {
    const result = await notFound(event({ rawPath: '/bestaat-niet' }), context);

    expect(result.statusCode).toBe(404);
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(result.body).toContain('<html lang="nl">');
    expect(result.body).toContain('Pagina niet gevonden');
    expect(result.headers['content-security-policy']).toContain("default-src 'none'");
    expect(result.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers an unknown API path with problem+json', async () => {
    const result = await notFound(event({ rawPath: '/api/bestaat-niet' }), context);

    expect(result.statusCode).toBe(404);
    expect(result.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(problemOf(result)).toMatchObject({ type: 'urn:dropin:problem:not-found', status: 404 });
  });

  it('reads JSON in the order size, media type, syntax, schema', async () => {
    expect((await post('{"name":"x"}', 'application/json; charset=utf-8')).statusCode).toBe(200);
    expect((await post(`{"name":"${'x'.repeat(100)}"}`, 'text/plain')).statusCode).toBe(413);
    expect((await post('{"name":"x"}', 'text/plain')).statusCode).toBe(415);
    expect((await post('{"name":"x"}', 'application/json; charset=latin1')).statusCode).toBe(415);
    expect((await post('{"name":', 'application/json')).statusCode).toBe(400);
    expect(problemOf(await post('{"name":', 'application/json')).type).toBe(
      'urn:dropin:problem:malformed-body',
    );
    const invalid = problemOf(await post('{"name":"too long"}', 'application/json'));
    expect(invalid).toMatchObject({ status: 400, type: 'urn:dropin:problem:invalid-input' });
    expect(invalid.errors).toEqual([{ field: 'name', message: expect.any(String) }]);
  });

  it('words the messages zod writes itself in Dutch, naming the field', async () => {
    const invalid = problemOf(await post('{"name":"too long"}', 'application/json'));

    expect(invalid.errors).toEqual([
      { field: 'name', message: 'Het veld ‘name’ mag hoogstens 5 tekens lang zijn.' },
    ]);
  });

  it('decodes base64 bodies as API Gateway sends them', async () => {
    const result = await post(Buffer.from('{"name":"é"}').toString('base64'), 'application/json', true);

    expect(JSON.parse(result.body ?? '')).toEqual({ name: 'é' });
  });

  it('hides the details of a 5xx and keeps those of a 4xx', async () => {
    const failing = httpRoute(async () => {
      throw new Error('database password is hunter2, user dilly@example.org');
    });

    const logError = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const result = await failing(event({ rawPath: '/api/x' }), context);
    const logged = JSON.stringify(logError.mock.calls);
    logError.mockRestore();

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('hunter2');
    expect(logged).toContain('user [address]');
    expect(logged).not.toContain('dilly@example.org');
  });
});

describe('organiser access', () => {
  const me = (claims?: Record<string, string>) =>
    organiserMe(
      event({
        rawPath: '/api/organiser/me',
        routeKey: 'GET /api/organiser/me',
        ...(claims ? { claims } : {}),
      }),
      context,
    );

  it('gives an organiser their identity, groups parsed from the API Gateway string form', async () => {
    const result = await me({
      sub: 'u-1',
      email: 'dilly.timmer@example.org',
      'cognito:groups': '[organisers admins]',
    });

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({
      subject: 'u-1',
      email: 'dilly.timmer@example.org',
      name: null,
      groups: ['organisers', 'admins'],
      isAdmin: true,
    });
  });

  it('refuses a valid identity without an organiser group (403) and a missing identity (401)', async () => {
    expect((await me({ sub: 'u-2', 'cognito:groups': '[readers]' })).statusCode).toBe(403);
    expect((await me({ sub: 'u-2' })).statusCode).toBe(403);
    expect((await me()).statusCode).toBe(401);
  });

  it('parses every form a groups claim arrives in', () => {
    expect(parseGroupsClaim('[organisers]')).toEqual(['organisers']);
    expect(parseGroupsClaim('[organisers admins]')).toEqual(['organisers', 'admins']);
    expect(parseGroupsClaim('organisers')).toEqual(['organisers']);
    expect(parseGroupsClaim(['admins'])).toEqual(['admins']);
    expect(parseGroupsClaim(undefined)).toEqual([]);
  });
});

describe('the door (issue 13: hostile input refused before any read)', () => {
  const contended = httpRoute(async () => {
    throw new StillContended();
  });
  const formEcho = httpRoute(async (e) => json(200, Object.fromEntries(await parseFormBody(e))));
  const form = (body: Buffer | string) =>
    formEcho(
      event({
        rawPath: '/nieuwsbrief',
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      context,
    );

  it('answers contention that outlasted every retry with 503 problem+json and Retry-After, never a 500', async () => {
    const result = await contended(event({ rawPath: '/api/meetings/x/registrations' }), context);
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(problemOf(result)).toMatchObject({ type: 'urn:dropin:problem:concurrent-change', status: 503 });
    // A page says so in Dutch.
    const page = await contended(event({ rawPath: '/bijeenkomsten/x' }), context);
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('probeer het zo nog eens');
  });

  it('refuses a path id that is no id of ours (a 2,100-character one included) with a 404, before the handler', async () => {
    let reached = 0;
    const route = httpRoute(async () => {
      reached += 1;
      return json(200, {});
    });
    const at = (id: string) =>
      route(
        event({ routeKey: 'GET /api/meetings/{id}', rawPath: `/api/meetings/${id}`, pathParameters: { id } }),
        context,
      );
    expect((await at('x'.repeat(2_100))).statusCode).toBe(404);
    expect((await at('a/b%00')).statusCode).toBe(404);
    expect(reached).toBe(0);
    // The control: an id of ours reaches the handler.
    expect((await at('01KB6F0W5ZJ8D7C3X9Q2M4N6PR')).statusCode).toBe(200);
    expect(reached).toBe(1);
  });

  it('refuses a form whose text is not UTF-8, and keeps one that is', async () => {
    expect((await form('name=%FF%FE&email=a%40b.nl')).statusCode).toBe(400);
    expect((await form(Buffer.from([0x6e, 0x3d, 0xc3, 0x28]))).statusCode).toBe(400);
    const ok = await form('name=Jos%C3%A9+%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB&city=Zo%C3%AB');
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body ?? '{}')).toEqual({ name: 'José 👩‍💻', city: 'Zoë' });
  });
});
