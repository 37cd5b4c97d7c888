import { request } from 'node:http';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRequestCounter } from '../../functions/adapters/dynamo/request-counts';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { PersonIds } from '../../functions/core/people/person-id';
import {
  admitRequest,
  clientNetworkOf,
  type RequestAdmission,
  type RequestLimitPorts,
  RequestSubjects,
  requestWindowAt,
} from '../../functions/core/request-limits';
import { consentText } from '../../functions/core/subscriptions/consent';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { paths } from '../../functions/paths';
import { FixedClock } from '../support/in-memory-ports';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The limits on public POSTs through the real handlers, the local server's events and DynamoDB Local: 5
 * POSTs a minute per client, 3 per link token. Every request of this file comes from 127.0.0.1 unless it
 * says otherwise (the local server takes `sourceIp` from the socket, as API Gateway does).
 */
const perClient = 5;
const perToken = 3;

let system: TestSystem;
let secret: string;
beforeAll(async () => {
  system = await startTestSystem({
    publicPostLimits: { perClientPerMinute: perClient, perTokenPerMinute: perToken },
  });
  secret = process.env.TOKEN_SECRET ?? '';
});
afterAll(() => system?.stop());

/**
 * Waits until the current minute has at least `seconds` left, so what a test sends falls in one window (a
 * fixed window: a burst across its end would be counted in two). A test that waits has the time for it.
 */
const waiting = 75_000;
const freshWindow = async (seconds = 10) => {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 50));
};

let counter = 0;
const newAddress = () => `beperkt-${Date.now()}-${++counter}@example.org`;

const subscribeJson = (email: string) =>
  JSON.stringify({ email, name: 'Lezer', topics: ['nieuwsbrief'], consent: true });

const subscribeFrom127001 = (email: string) =>
  system.fetch('/api/subscriptions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: subscribeJson(email),
  });

/** The same POST from another loopback address, 127.0.0.2: another client to the server. */
const subscribeFrom127002 = (email: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const body = subscribeJson(email);
    const call = request(
      {
        host: '127.0.0.1',
        port: new URL(system.baseUrl).port,
        localAddress: '127.0.0.2',
        method: 'POST',
        path: '/api/subscriptions',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    call.on('error', reject);
    call.end(body);
  });

const subscriptionOf = async (email: string) =>
  (
    await system.documentClient.send(
      new GetCommand({
        TableName: system.tableName,
        Key: keys.subscription(new PersonIds(secret).of(email)),
        ConsistentRead: true,
      }),
    )
  ).Item;

/** The mails to these addresses once the outbox has delivered what it holds. */
const mailsTo = async (addresses: readonly string[]) => {
  await system.outboxSettled();
  const wanted = new Set(addresses);
  return (await system.mailbox.list()).filter((mail) => mail.destination.to.some((to) => wanted.has(to)));
};

describe('per client', () => {
  it(
    '100 subscription POSTs from one client in a minute: 5 subscribe and are mailed, 95 get 429 and nothing',
    async () => {
      // The first of this file's POSTs from 127.0.0.1: its count starts at 0 in this window.
      await freshWindow(25);
      const addresses = Array.from({ length: 100 }, newAddress);
      const answers = await Promise.all(
        addresses.map(async (email) => {
          const response = await subscribeFrom127001(email);
          return {
            email,
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            body: (await response.json()) as Record<string, unknown>,
          };
        }),
      );

      const accepted = answers.filter((answer) => answer.status === 202);
      const refused = answers.filter((answer) => answer.status === 429);
      expect(accepted).toHaveLength(perClient);
      expect(refused).toHaveLength(100 - perClient);
      for (const answer of refused) {
        expect(answer.body).toMatchObject({
          type: 'urn:dropin:problem:too-many-requests',
          status: 429,
          detail: 'Te veel verzoeken — probeer het over een minuut nog eens.',
        });
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
      }

      // At most the limit in mails, exactly to the accepted; nothing stored for the refused.
      const mails = await mailsTo(addresses);
      expect(mails.map((mail) => mail.destination.to[0]).sort()).toEqual(accepted.map((a) => a.email).sort());
      for (const { email } of accepted) expect(await subscriptionOf(email), email).toBeDefined();
      for (const { email } of refused.slice(0, 20))
        expect(await subscriptionOf(email), email).toBeUndefined();
    },
    waiting,
  );

  it(
    'does not count another client against the first (negative control), nor let the first through',
    async () => {
      await freshWindow();
      // Use up this minute's share of 127.0.0.1, whatever the test above left in it.
      const first = await Promise.all(
        Array.from({ length: perClient + 1 }, () => subscribeFrom127001(newAddress())),
      );
      expect(first.map((response) => response.status)).toContain(429);

      expect(await subscribeFrom127002(newAddress())).toBe(202);
      expect((await subscribeFrom127001(newAddress())).status).toBe(429);
    },
    waiting,
  );

  it(
    'answers a form over the limit with the Dutch page, 429 and Retry-After, shared with the JSON route',
    async () => {
      await freshWindow();
      // The client's count is one for all its POSTs that start something: the API's share is used up here…
      await Promise.all(Array.from({ length: perClient }, () => subscribeFrom127001(newAddress())));
      const email = newAddress();
      const form = new URLSearchParams({
        email,
        name: 'Lezer',
        topics: 'nieuwsbrief',
        consent: 'true',
        consentVersion: consentText.version,
      });
      // …so the newsletter form is refused before its handler reads the form.
      const response = await system.fetch(paths.newsletter, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const page = await response.text();
      expect(page).toContain('<html lang="nl">');
      expect(page).toContain('Te veel verzoeken — probeer het over een minuut nog eens.');
      expect(await subscriptionOf(email)).toBeUndefined();
    },
    waiting,
  );
});

describe('per link token', () => {
  const signer = () => new TokenSigner(fixedLinkKeys(secret), new FixedClock(new Date()));
  const unsubscribeToken = (personId: string) => signer().sign('unsubscribe', personId, { ttlSeconds: null });
  const unsubscribe = (token: string) =>
    system.fetch(`${paths.unsubscribe}?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

  it(
    'refuses one token hammered after its share, with the Dutch page and Retry-After',
    async () => {
      await freshWindow();
      const token = unsubscribeToken(new PersonIds(secret).of(newAddress()));
      const statuses: number[] = [];
      let refusal: Response | undefined;
      for (let i = 0; i < perToken + 3; i++) {
        const response = await unsubscribe(token);
        statuses.push(response.status);
        if (response.status === 429) refusal = response;
        else await response.text();
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
      expect(Number(refusal?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refusal?.text()).toContain('Te veel verzoeken');
    },
    waiting,
  );

  it(
    'lets one client post many different tokens, as a mail provider scanning a mailing does (negative control)',
    async () => {
      await freshWindow();
      // Three times the client limit, all from 127.0.0.1: a token POST is counted per token, not per client.
      const tokens = Array.from({ length: perClient * 3 }, () =>
        unsubscribeToken(new PersonIds(secret).of(newAddress())),
      );
      const statuses = await Promise.all(tokens.map(async (token) => (await unsubscribe(token)).status));
      expect(statuses).toEqual(tokens.map(() => 200));
    },
    waiting,
  );
});

describe('the counts in the table', () => {
  const portsAt = (now: Date): RequestLimitPorts => ({
    counter: new DynamoRequestCounter(system.documentClient, system.tableName),
    subjects: new RequestSubjects(secret),
    clock: new FixedClock(now),
    perWindow: { client: 2, token: 2 },
  });
  const outcome = async (admission: Promise<RequestAdmission>) =>
    (await admission).admitted ? 'admitted' : 'refused';

  it('count an IPv6 client per /64: two addresses in one /64 share a count, another /64 has its own', async () => {
    // A minute of its own, far from the other tests' clock, in the real table.
    const ports = portsAt(new Date('2030-01-01T12:00:10Z'));
    expect(await outcome(admitRequest(ports, 'client', '2001:db8:aa:bb::1'))).toBe('admitted');
    expect(await outcome(admitRequest(ports, 'client', '2001:db8:aa:bb:1:2:3:4'))).toBe('admitted');
    expect(await outcome(admitRequest(ports, 'client', '2001:db8:aa:bb::ffff'))).toBe('refused');
    expect(await outcome(admitRequest(ports, 'client', '2001:db8:aa:bc::1'))).toBe('admitted');
  });

  it('keep no IP address, only a keyed hash, and expire a minute after their window', async () => {
    const now = new Date('2030-01-01T12:05:10Z');
    await admitRequest(portsAt(now), 'client', '198.51.100.23');
    const window = requestWindowAt(now);
    const subject = new RequestSubjects(secret).of('client', clientNetworkOf('198.51.100.23'));
    const { Item } = await system.documentClient.send(
      new GetCommand({
        TableName: system.tableName,
        Key: keys.requestCount('client', subject, window.start),
        ConsistentRead: true,
      }),
    );
    // Literally a minute: the adapter's own constant here would follow it wherever it moved.
    expect(Item).toMatchObject({ requests: 1, expiresAt: window.end + 60 });
    expect(JSON.stringify(Item)).not.toContain('198.51.100');
    // No person index entry: a count names nobody.
    expect(Item?.PersonPK).toBeUndefined();
  });
});
