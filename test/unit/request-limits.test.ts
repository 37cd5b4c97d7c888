import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/adapters/logger';
import { loadConfig } from '../../functions/config';
import {
  admitRequest,
  type CountedKind,
  clientNetworkOf,
  type RequestAdmission,
  type RequestCounter,
  type RequestLimitPorts,
  RequestSubjects,
  type RequestWindow,
  requestWindowAt,
  retryAfterSeconds,
} from '../../functions/core/request-limits';
import { httpRoute } from '../../functions/handlers/http/edge';
import type { HttpEvent } from '../../functions/handlers/http/request';
import { json } from '../../functions/handlers/http/respond';
import { TooManyRequests } from '../../functions/handlers/http/transport-errors';
import { minimalEnvironment } from '../support/config-environment';
import { FixedClock } from '../support/in-memory-ports';

// The edge's limiter (`#request-limiter`) is a stand-in here that records the kinds it was asked to count and
// refuses when a test says so; `absent` is the bundle of a function that serves no limited route.
const limiter = vi.hoisted(() => ({
  kinds: [] as string[],
  refuse: undefined as Error | undefined,
  absent: false,
}));
const standIn = vi.hoisted(() => async (kind: string) => {
  limiter.kinds.push(kind);
  if (limiter.refuse) throw limiter.refuse;
});
vi.mock('#request-limiter', () => ({
  requestLimiter: async () => (limiter.absent ? undefined : standIn),
}));
vi.mock('../../functions/handlers/http/request-limits', () => ({ admitLimitedRequest: standIn }));

describe('the client a request is counted by', () => {
  it('is an IPv4 address as it is', () => {
    expect(clientNetworkOf('192.0.2.10')).toBe('192.0.2.10');
    expect(clientNetworkOf('192.0.2.10')).not.toBe(clientNetworkOf('192.0.2.11'));
  });

  it('is the /64 of an IPv6 address: two addresses in one /64 share it, the next /64 does not', () => {
    const one = clientNetworkOf('2001:db8:1:2::1');
    expect(one).toBe('2001:db8:1:2::/64');
    expect(clientNetworkOf('2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe(one);
    expect(clientNetworkOf('2001:0DB8:0001:0002:0000:0000:0000:0009')).toBe(one);
    // Controls: a neighbouring /64, and a prefix that differs in its first hextet only.
    expect(clientNetworkOf('2001:db8:1:3::1')).not.toBe(one);
    expect(clientNetworkOf('2002:db8:1:2::1')).not.toBe(one);
  });

  it('expands `::` wherever it stands, also at the start and the end', () => {
    expect(clientNetworkOf('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(clientNetworkOf('2001:db8::1:2:3:4')).toBe('2001:db8:0:0::/64');
    expect(clientNetworkOf('2001:db8:0:0:1::')).toBe('2001:db8:0:0::/64');
    expect(clientNetworkOf('::1')).toBe('0:0:0:0::/64');
    expect(clientNetworkOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('is the IPv4 address an IPv4-mapped IPv6 address maps, in either spelling', () => {
    expect(clientNetworkOf('::ffff:192.0.2.10')).toBe('192.0.2.10');
    expect(clientNetworkOf('::ffff:c000:20a')).toBe('192.0.2.10');
    expect(clientNetworkOf('0:0:0:0:0:FFFF:192.0.2.10')).toBe('192.0.2.10');
    // Control: an address that only embeds an IPv4 address (NAT64) is an IPv6 network.
    expect(clientNetworkOf('64:ff9b::192.0.2.10')).toBe('64:ff9b:0:0::/64');
  });

  it('is whatever else arrives, as given (API Gateway sends no such thing)', () => {
    expect(clientNetworkOf('1:2:3')).toBe('1:2:3');
    expect(clientNetworkOf('1::2::3')).toBe('1::2::3');
    expect(clientNetworkOf('256.1.1.1')).toBe('256.1.1.1');
  });
});

describe('the window a request is counted in', () => {
  const at = (iso: string) => new Date(iso);

  it('is the minute it arrives in, a fixed window', () => {
    const window = requestWindowAt(at('2026-03-02T10:15:00.000Z'));
    expect(window).toEqual({ start: Date.parse('2026-03-02T10:15:00Z') / 1000, end: window.start + 60 });
    expect(requestWindowAt(at('2026-03-02T10:15:59.999Z'))).toEqual(window);
    expect(requestWindowAt(at('2026-03-02T10:16:00.000Z')).start).toBe(window.end);
  });

  it('tells a refused client to come back when it ends, in whole seconds, at least one', () => {
    const window = requestWindowAt(at('2026-03-02T10:15:00Z'));
    expect(retryAfterSeconds(window, at('2026-03-02T10:15:00.000Z'))).toBe(60);
    expect(retryAfterSeconds(window, at('2026-03-02T10:15:30.500Z'))).toBe(30);
    expect(retryAfterSeconds(window, at('2026-03-02T10:15:59.200Z'))).toBe(1);
    expect(retryAfterSeconds(window, at('2026-03-02T10:15:59.999Z'))).toBe(1);
  });
});

/** Counts in memory, by kind, subject and window start, as the table does. */
class MemoryCounter implements RequestCounter {
  readonly counts = new Map<string, number>();
  async count(kind: CountedKind, subject: string, window: RequestWindow): Promise<number> {
    const key = `${kind}/${subject}/${window.start}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count;
  }
}

describe('admitting a request', () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters';
  const portsAt = (iso: string, perWindow = { client: 3, token: 2 }) => {
    const clock = new FixedClock(new Date(iso));
    const counter = new MemoryCounter();
    const ports: RequestLimitPorts = { counter, subjects: new RequestSubjects(secret), clock, perWindow };
    return { ports, clock, counter };
  };
  const outcome = async (admission: Promise<RequestAdmission>) => {
    const answer = await admission;
    return answer.admitted ? 'admitted' : `refused, retry after ${answer.retryAfterSeconds} s`;
  };

  it('counts the network behind link-token POSTs too, ten times as generously: made-up tokens cannot flood a route', async () => {
    const { ports } = portsAt('2026-03-02T10:15:20Z');
    const answers: string[] = [];
    // 31 different tokens from one network: each token is under its own limit, the network is not.
    for (let i = 0; i <= 30; i++) {
      answers.push(await outcome(admitRequest(ports, 'token-client', '2001:db8:1:2::7')));
      answers.push(await outcome(admitRequest(ports, 'token', `made-up-${i}.token`)));
    }
    const networkAnswers = answers.filter((_, i) => i % 2 === 0);
    expect(networkAnswers.filter((answer) => answer === 'admitted')).toHaveLength(30);
    expect(networkAnswers.at(-1)).toBe('refused, retry after 40 s');
    // Control: the tokens themselves were each admitted, and another network is not held up.
    expect(answers.filter((_, i) => i % 2 === 1).every((answer) => answer === 'admitted')).toBe(true);
    expect(await outcome(admitRequest(ports, 'token-client', '2001:db8:1:3::7'))).toBe('admitted');
    // Nor are the same network's POSTs that start something: their count is another one.
    expect(await outcome(admitRequest(ports, 'client', '2001:db8:1:2::7'))).toBe('admitted');
  });

  it("admits a client's share of the minute and refuses the rest until the next one", async () => {
    const { ports, clock } = portsAt('2026-03-02T10:15:20Z');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await outcome(admitRequest(ports, 'client', '192.0.2.1')));
    expect(answers).toEqual([
      'admitted',
      'admitted',
      'admitted',
      'refused, retry after 40 s',
      'refused, retry after 40 s',
    ]);
    clock.advance(40);
    expect(await outcome(admitRequest(ports, 'client', '192.0.2.1'))).toBe('admitted');
  });

  it('counts one /64 as one client, and another /64 or address apart', async () => {
    const { ports } = portsAt('2026-03-02T10:15:00Z');
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:a:b:c:d']) {
      expect(await outcome(admitRequest(ports, 'client', address)), address).toBe('admitted');
    }
    expect(await outcome(admitRequest(ports, 'client', '2001:db8:1:2::99'))).toMatch(/^refused/);
    expect(await outcome(admitRequest(ports, 'client', '2001:db8:1:3::1'))).toBe('admitted');
    expect(await outcome(admitRequest(ports, 'client', '192.0.2.1'))).toBe('admitted');
  });

  it('counts an IPv4-mapped address as the IPv4 client it is', async () => {
    const { ports } = portsAt('2026-03-02T10:15:00Z');
    for (const address of ['192.0.2.7', '::ffff:192.0.2.7', '::ffff:c000:207']) {
      expect(await outcome(admitRequest(ports, 'client', address)), address).toBe('admitted');
    }
    expect(await outcome(admitRequest(ports, 'client', '192.0.2.7'))).toMatch(/^refused/);
  });

  it('counts per token: one token hammered is refused, many tokens each once are not', async () => {
    const { ports } = portsAt('2026-03-02T10:15:00Z');
    const hammered = [];
    for (let i = 0; i < 4; i++) hammered.push(await outcome(admitRequest(ports, 'token', 'aaa.bbb')));
    expect(hammered).toEqual([
      'admitted',
      'admitted',
      'refused, retry after 60 s',
      'refused, retry after 60 s',
    ]);
    const many = [];
    for (let i = 0; i < 20; i++) many.push(await outcome(admitRequest(ports, 'token', `token${i}.sig`)));
    expect(many.every((answer) => answer === 'admitted')).toBe(true);
  });

  it('stores neither the address nor the token: a keyed hash, per kind, per secret', async () => {
    const { ports, counter } = portsAt('2026-03-02T10:15:00Z');
    await admitRequest(ports, 'client', '192.0.2.55');
    await admitRequest(ports, 'token', '192.0.2.55');
    const keys = [...counter.counts.keys()];
    expect(keys).toHaveLength(2);
    expect(keys.join(' ')).not.toContain('192.0.2.55');
    const subjects = new RequestSubjects(secret);
    expect(subjects.of('client', '192.0.2.55')).toMatch(/^[0-9a-f]{32}$/);
    expect(subjects.of('client', '192.0.2.55')).not.toBe(subjects.of('token', '192.0.2.55'));
    expect(subjects.of('client', '192.0.2.55')).not.toBe(
      new RequestSubjects(`${secret}-other`).of('client', '192.0.2.55'),
    );
  });
});

/** A payload v2 event for a route of the table, from 192.0.2.1. */
const event = (routeKey: string, rawPath: string, body?: string): HttpEvent =>
  ({
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    ...(body !== undefined ? { body } : {}),
    requestContext: {
      accountId: 'offline',
      apiId: 'offline',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'r-1',
      routeKey,
      stage: '$default',
      time: '02/Mar/2026:10:15:00 +0000',
      timeEpoch: 0,
    },
  }) as HttpEvent;
const context = { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('the HTTP edge on a route with a limit', () => {
  beforeEach(() => {
    limiter.kinds = [];
    limiter.refuse = undefined;
    limiter.absent = false;
  });
  afterEach(() => vi.restoreAllMocks());

  const edgeWith = (handle: () => Promise<unknown>) =>
    httpRoute(async () => {
      await handle();
      return json(202, { status: 'accepted' });
    });

  it('counts the request before the handler runs, by the kind the route table names', async () => {
    const handle = vi.fn(async () => undefined);
    const result = await edgeWith(handle)(event('POST /api/subscriptions', '/api/subscriptions'), context);
    expect(result.statusCode).toBe(202);
    expect(limiter.kinds).toEqual(['client']);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('answers over the limit with 429 problem+json and Retry-After, and never runs the handler', async () => {
    limiter.refuse = new TooManyRequests(17);
    const handle = vi.fn(async () => undefined);
    const result = await edgeWith(handle)(event('POST /api/subscriptions', '/api/subscriptions'), context);
    expect(result.statusCode).toBe(429);
    expect(result.headers['retry-after']).toBe('17');
    expect(result.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({
      type: 'urn:dropin:problem:too-many-requests',
      title: 'Te veel verzoeken',
      status: 429,
      detail: 'Te veel verzoeken — probeer het over een minuut nog eens.',
    });
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers a form over the limit with the Dutch page, 429 and Retry-After', async () => {
    limiter.refuse = new TooManyRequests(42);
    const handle = vi.fn(async () => undefined);
    const result = await edgeWith(handle)(event('POST /nieuwsbrief', '/nieuwsbrief'), context);
    expect(result.statusCode).toBe(429);
    expect(result.headers['retry-after']).toBe('42');
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(result.body).toContain('<html lang="nl">');
    expect(result.body).toContain('Te veel verzoeken — probeer het over een minuut nog eens.');
    expect(result.headers['content-security-policy']).toContain("default-src 'none'");
    expect(handle).not.toHaveBeenCalled();
  });

  it('counts a POST with a link token per token', async () => {
    await edgeWith(async () => undefined)(
      event('POST /nieuwsbrief/afmelden', '/nieuwsbrief/afmelden'),
      context,
    );
    expect(limiter.kinds).toEqual(['token']);
  });

  it('counts nothing on a route without a limit (the check can fail: see above)', async () => {
    const result = await edgeWith(async () => undefined)(event('GET /', '/'), context);
    expect(result.statusCode).toBe(202);
    expect(limiter.kinds).toEqual([]);
  });

  it('refuses a limited route in a bundle built without the limiter, rather than serve it unlimited', async () => {
    // What lib/bundling.ts gives the bundle of a function that serves no limited route.
    limiter.absent = true;
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const handle = vi.fn(async () => undefined);
    const result = await edgeWith(handle)(event('POST /api/subscriptions', '/api/subscriptions'), context);
    expect(result.statusCode).toBe(500);
    expect(handle).not.toHaveBeenCalled();
    expect(limiter.kinds).toEqual([]);
  });
});

describe('the limiter a function has (`#request-limiter`, chosen when bundling)', () => {
  it('is the limiter where it counts, none where it counts nothing, loaded on demand unbundled', async () => {
    const counting = await import('../../functions/handlers/http/limiter-counting');
    const none = await import('../../functions/handlers/http/limiter-none');
    // `#request-limiter` unbundled is this module, which the stand-in above replaces: the real one, then.
    const onDemand = await vi.importActual<typeof import('../../functions/handlers/http/limiter-on-demand')>(
      '../../functions/handlers/http/limiter-on-demand',
    );
    expect(await counting.requestLimiter()).toBe(standIn);
    expect(await none.requestLimiter()).toBeUndefined();
    expect(await onDemand.requestLimiter()).toBe(standIn);
  });
});

describe('the limits in the configuration', () => {
  const env = minimalEnvironment;

  it('are 20 a minute per client and 10 per link token unless set, whole numbers from 1', () => {
    expect(loadConfig(env)).toMatchObject({
      PUBLIC_POSTS_PER_IP_PER_MINUTE: 20,
      PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: 10,
    });
    expect(
      loadConfig({ ...env, PUBLIC_POSTS_PER_IP_PER_MINUTE: '1000', PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: '3' }),
    ).toMatchObject({ PUBLIC_POSTS_PER_IP_PER_MINUTE: 1000, PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: 3 });
    for (const wrong of ['0', '-1', '2.5', 'twintig', '', '99999999']) {
      expect(() => loadConfig({ ...env, PUBLIC_POSTS_PER_IP_PER_MINUTE: wrong }), wrong).toThrow(
        /PUBLIC_POSTS_PER_IP_PER_MINUTE/,
      );
      expect(() => loadConfig({ ...env, PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: wrong }), wrong).toThrow(
        /PUBLIC_POSTS_PER_TOKEN_PER_MINUTE/,
      );
    }
  });
});
