import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EntryName } from '../../functions/entries';
import type { Route } from '../../functions/routes';
import { createOrganiserAuth } from '../../local/auth/organiser-auth';
import { createSigningKey } from '../../local/auth/signing-key';
import type { HttpApiEvent } from '../../local/http/api-gateway-event';
import { createLocalApiServer, type LambdaHttpHandler } from '../../local/http/server';

const testRoutes: Route[] = [
  { method: 'GET', path: '/', entry: 'home', access: 'public' },
  { method: 'GET', path: '/bijeenkomsten/{id}', entry: 'home', access: 'public' },
  { method: 'GET', path: '/bijeenkomsten/nieuw', entry: 'notFound', access: 'public' },
  { method: 'GET', path: '/bestanden/{path+}', entry: 'home', access: 'public' },
  { method: 'POST', path: '/inschrijven', entry: 'home', access: 'public' },
  { method: 'GET', path: '/api/organiser/me', entry: 'organiserMe', access: 'organisers' },
];

interface Invocation {
  entry: EntryName;
  event: HttpApiEvent;
  remainingMs: number;
  functionName: string;
  awsRequestId: string;
}

const signingKey = createSigningKey();
const auth = createOrganiserAuth(signingKey);
const invocations: Invocation[] = [];
const logLines: string[] = [];
/** What the fake handler answers; the default echoes the event. */
let answer: (event: HttpApiEvent) => Promise<APIGatewayProxyResultV2> = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(event),
});

const server = createLocalApiServer({
  routes: testRoutes,
  authorize: auth.authorize,
  log: (line) => logLines.push(line),
  loadHandler:
    async (entry): Promise<LambdaHttpHandler> =>
    async (event, context) => {
      invocations.push({
        entry,
        event: event as HttpApiEvent,
        remainingMs: context.getRemainingTimeInMillis(),
        functionName: context.functionName,
        awsRequestId: context.awsRequestId,
      });
      return answer(event as HttpApiEvent);
    },
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  invocations.length = 0;
  logLines.length = 0;
  answer = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http rather than fetch: repeated header lines and the Host header stay as written. */
const send = (
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string | string[]>; body?: Buffer | string } = {},
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      method,
      path,
      headers: { host: `localhost:${port}` },
    });
    for (const [name, value] of Object.entries(headers)) request.setHeader(name, value);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });

const onlyInvocation = (): Invocation => {
  expect(invocations).toHaveLength(1);
  return invocations[0] as Invocation;
};

describe('the payload 2.0 event', () => {
  it('carries the route key, path parameters and request context of a matched route', async () => {
    await send('GET', '/bijeenkomsten/utrecht-2024', { headers: { 'user-agent': 'vitest-agent' } });

    const { entry, event } = onlyInvocation();
    expect(entry).toBe('home');
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /bijeenkomsten/{id}');
    expect(event.rawPath).toBe('/bijeenkomsten/utrecht-2024');
    expect(event.rawQueryString).toBe('');
    expect(event.pathParameters).toEqual({ id: 'utrecht-2024' });
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('body');
    expect(event.isBase64Encoded).toBe(false);
    const context = event.requestContext;
    expect(context.routeKey).toBe('GET /bijeenkomsten/{id}');
    expect(context.stage).toBe('$default');
    expect(context.domainName).toBe('localhost');
    expect(context.domainPrefix).toBe('localhost');
    expect(context.http).toEqual({
      method: 'GET',
      path: '/bijeenkomsten/utrecht-2024',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'vitest-agent',
    });
    expect(context.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(context.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(context.requestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(context).not.toHaveProperty('authorizer');
  });

  it('prefers a literal segment over a variable, and passes the rest of the path to a greedy variable', async () => {
    await send('GET', '/bijeenkomsten/nieuw');
    await send('GET', '/bestanden/2024/verslag%20utrecht.pdf');

    expect(invocations.map(({ entry, event }) => [entry, event.routeKey, event.pathParameters])).toEqual([
      ['notFound', 'GET /bijeenkomsten/nieuw', undefined],
      ['home', 'GET /bestanden/{path+}', { path: '2024/verslag utrecht.pdf' }],
    ]);
    expect(invocations[1]?.event.rawPath).toBe('/bestanden/2024/verslag utrecht.pdf');
  });

  it('sends unmatched paths, other methods and trailing slashes to the fallback entry as $default', async () => {
    await send('GET', '/bestaat/niet');
    await send('DELETE', '/');
    await send('GET', '/bijeenkomsten/utrecht-2024/');

    expect(invocations.map(({ entry }) => entry)).toEqual(['notFound', 'notFound', 'notFound']);
    for (const { event } of invocations) {
      expect(event.routeKey).toBe('$default');
      expect(event.requestContext.routeKey).toBe('$default');
      expect(event).not.toHaveProperty('pathParameters');
    }
  });

  it('keeps the raw query string and joins repeated parameters with commas', async () => {
    await send('GET', '/?topic=nieuwsbrief&topic=publicaties&naam=Dilly%20Timmer&token=abc.def');

    const { event } = onlyInvocation();
    expect(event.rawQueryString).toBe(
      'topic=nieuwsbrief&topic=publicaties&naam=Dilly%20Timmer&token=abc.def',
    );
    expect(event.queryStringParameters).toEqual({
      topic: 'nieuwsbrief,publicaties',
      naam: 'Dilly Timmer',
      token: 'abc.def',
    });
  });

  it('lower-cases header names, joins repeated headers with commas and moves cookies to their own field', async () => {
    await send('GET', '/', {
      headers: {
        'X-Drop-In': ['een', 'twee'],
        'Accept-Language': 'nl-NL',
        cookie: 'sessie=abc; voorkeur=nl',
      },
    });

    const { event } = onlyInvocation();
    expect(event.headers['x-drop-in']).toBe('een,twee');
    expect(event.headers['accept-language']).toBe('nl-NL');
    expect(event.headers.host).toBe(`localhost:${port}`);
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers).not.toHaveProperty('cookie');
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.cookies).toEqual(['sessie=abc', 'voorkeur=nl']);
  });

  it('passes text bodies as text and base64-encodes the rest, forms included, as HTTP APIs do', async () => {
    const binary = Buffer.from([0, 1, 2, 250, 255]);
    const cases: Array<{ contentType?: string; body: Buffer | string; text: boolean }> = [
      { contentType: 'application/json', body: '{"naam":"Dilly"}', text: true },
      { contentType: 'text/plain; charset=utf-8', body: 'hallo wereld', text: true },
      { contentType: 'application/xml', body: '<a/>', text: true },
      {
        contentType: 'application/x-www-form-urlencoded',
        body: 'email=a%40example.org&topic=x',
        text: false,
      },
      { contentType: 'application/octet-stream', body: binary, text: false },
      { contentType: 'application/problem+json', body: '{}', text: false },
      { body: 'no content type', text: false },
    ];
    for (const { contentType, body } of cases) {
      await send('POST', '/inschrijven', {
        headers: contentType ? { 'content-type': contentType } : {},
        body,
      });
    }

    expect(invocations).toHaveLength(cases.length);
    cases.forEach(({ body, text }, index) => {
      const event = invocations[index]?.event as HttpApiEvent;
      expect(event.isBase64Encoded).toBe(!text);
      expect(event.body).toBe(text ? body.toString() : Buffer.from(body).toString('base64'));
      expect(event.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    });
  });

  it('hands the handler a Lambda context with the entry, a request id and the remaining time', async () => {
    await send('GET', '/');

    const invocation = onlyInvocation();
    expect(invocation.functionName).toBe('dropin-local-home');
    expect(invocation.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(invocation.remainingMs).toBeGreaterThan(9_000);
    expect(invocation.remainingMs).toBeLessThanOrEqual(10_000);
  });
});

describe('the response', () => {
  it('writes status, headers and every cookie as its own Set-Cookie header', async () => {
    answer = async () => ({
      statusCode: 303,
      headers: { location: '/bedankt', 'X-Count': 2 },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: '',
    });

    const response = await send('POST', '/inschrijven');

    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/bedankt');
    expect(response.headers['x-count']).toBe('2');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(response.headers['apigw-requestid']).toMatch(/=$/);
  });

  it('decodes a base64 body', async () => {
    const pdf = Buffer.from('%PDF-1.7 binary \u0000\u00ff');
    answer = async () => ({
      statusCode: 200,
      headers: { 'content-type': 'application/pdf' },
      body: pdf.toString('base64'),
      isBase64Encoded: true,
    });

    const response = await send('GET', '/');

    expect(response.body.equals(pdf)).toBe(true);
  });

  it('sends a result without statusCode as a 200 JSON body', async () => {
    answer = async () => ({ ok: true }) as unknown as APIGatewayProxyResultV2;

    const response = await send('GET', '/');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString())).toEqual({ ok: true });
  });

  it("answers API Gateway's 500 when the handler throws", async () => {
    answer = async () => {
      throw new Error('database on fire for dilly.timmer@example.org');
    };

    const response = await send('GET', '/');

    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body.toString()).toBe('{"message":"Internal Server Error"}');
    expect(logLines.join('\n')).not.toContain('dilly.timmer@example.org');
  });

  it('refuses a body over 10 MB with 413 without invoking the handler', async () => {
    const response = await send('POST', '/inschrijven', {
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });

    expect(response.status).toBe(413);
    expect(response.body.toString()).toBe('{"message":"Request Entity Too Large"}');
    expect(invocations).toHaveLength(0);
  });

  it('logs method, path, status and time, but never the query string', async () => {
    await send('GET', '/bijeenkomsten/utrecht-2024?token=geheim123');

    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatch(/^GET \/bijeenkomsten\/utrecht-2024 200 \d+ ms$/);
  });
});

describe('the JWT authorizer on organiser routes', () => {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("answers API Gateway's 401 without a token and does not invoke the handler", async () => {
    const response = await send('GET', '/api/organiser/me');

    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body.toString()).toBe('{"message":"Unauthorized"}');
    expect(invocations).toHaveLength(0);
  });

  it('refuses expired, foreign, misaddressed and forged tokens', async () => {
    const valid = auth.signOrganiserToken({ groups: ['organisers'] });
    const [header, payload] = valid.split('.');
    const refused = [
      auth.signOrganiserToken({ groups: ['organisers'], ttlSeconds: -1 }),
      createOrganiserAuth(signingKey, { issuer: 'https://elders.example.org' }).signOrganiserToken({
        groups: ['organisers'],
      }),
      createOrganiserAuth(signingKey, { audience: 'another-client' }).signOrganiserToken({
        groups: ['organisers'],
      }),
      createOrganiserAuth(createSigningKey()).signOrganiserToken({ groups: ['organisers'] }),
      `${header}.${payload}.${Buffer.from('not a signature').toString('base64url')}`,
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`,
      'not-a-jwt',
    ];
    for (const token of refused) {
      const response = await send('GET', '/api/organiser/me', { headers: bearer(token) });
      expect(response.status, token).toBe(401);
      expect(response.body.toString()).toBe('{"message":"Unauthorized"}');
    }
    expect(invocations).toHaveLength(0);
  });

  it('passes the claims as strings, as API Gateway does, with or without the Bearer prefix', async () => {
    const token = auth.signOrganiserToken({ groups: ['organisers'], email: 'dilly.timmer@example.org' });

    await send('GET', '/api/organiser/me', { headers: bearer(token) });
    await send('GET', '/api/organiser/me', { headers: { authorization: token } });

    expect(invocations).toHaveLength(2);
    const { entry, event } = invocations[0] as Invocation;
    expect(entry).toBe('organiserMe');
    expect(event.routeKey).toBe('GET /api/organiser/me');
    const authorizer = event.requestContext.authorizer;
    expect(authorizer?.jwt.scopes).toBeNull();
    const claims = authorizer?.jwt.claims ?? {};
    expect(claims['cognito:groups']).toBe('[organisers]');
    expect(claims.email).toBe('dilly.timmer@example.org');
    expect(claims.email_verified).toBe('true');
    expect(claims.token_use).toBe('id');
    expect(claims.exp).toMatch(/^\d+$/);
    expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true);
    expect(event.headers.authorization).toBe(`Bearer ${token}`);
  });
});
