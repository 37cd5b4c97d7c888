import { beforeEach, describe, expect, it } from 'vitest';
import { timeOrderedIds } from '../../functions/adapters/ids';
import { InvalidToken } from '../../functions/core/errors';
import { PersonIds } from '../../functions/core/people/person-id';
import {
  confirmSubscription,
  mailsPerAddressPerHour,
  type SubscribeRequest,
  subscribe,
  unsubscribe,
  updatePreferences,
} from '../../functions/core/subscriptions/use-cases';
import { TokenSigner } from '../../functions/core/tokens';
import { FixedClock } from '../support/in-memory-ports';
import { InMemorySubscriptionStore } from '../support/in-memory-subscription-store';

const secret = 'unit-test-secret-unit-test-secret-0123456789';
const request: SubscribeRequest = {
  email: '  Dilly.Timmer@Example.org ',
  name: 'Dilly',
  topics: ['nieuwsbrief', 'bijeenkomsten'],
  source: 'form',
  consentTextVersion: '2026-11-28',
};

let clock: FixedClock;
let store: InMemorySubscriptionStore;
let ports: Parameters<typeof confirmSubscription>[0];
const personId = new PersonIds(secret).of('dilly.timmer@example.org');

/** The confirm token the opt-in mail would carry for the newest confirm mail in the outbox. */
const confirmToken = () => {
  const mail = store.outbox.filter((m) => m.kind === 'subscription-confirm').at(-1);
  return ports.tokens.sign(
    'confirm-subscription',
    `${mail?.recipient.personId}.${mail?.data.confirmationId}`,
    {
      ttlSeconds: 7 * 86400,
    },
  );
};

beforeEach(() => {
  clock = new FixedClock(new Date('2027-03-27T12:00:00Z'));
  store = new InMemorySubscriptionStore();
  ports = {
    store,
    clock,
    ids: timeOrderedIds(clock),
    personIds: new PersonIds(secret),
    tokens: new TokenSigner(secret, clock),
  };
});

describe('subscribe', () => {
  it('makes a new address pending with its consent and queues one confirm mail to the normalised address', async () => {
    expect(await subscribe(ports, request)).toBe('confirmation-sent');

    const subscription = store.subscriptions.get(personId);
    expect(subscription).toMatchObject({
      email: 'dilly.timmer@example.org',
      status: 'pending',
      topics: ['nieuwsbrief', 'bijeenkomsten'],
      consent: { at: '2027-03-27T12:00:00.000Z', source: 'form', textVersion: '2026-11-28' },
    });
    expect(subscription?.expiresAt).toBe(Date.parse('2027-04-03T12:00:00Z') / 1000);
    expect(store.outbox.map((m) => [m.kind, m.recipient.address])).toEqual([
      ['subscription-confirm', 'dilly.timmer@example.org'],
    ]);
    expect(store.audiences.get('nieuwsbrief')?.size).toBe(0);
  });

  it('sends the same confirmation again while pending, with the latest topics', async () => {
    await subscribe(ports, request);
    const first = store.subscriptions.get(personId)?.confirmationId;

    await subscribe(ports, { ...request, topics: ['publicaties'] });

    expect(store.subscriptions.get(personId)).toMatchObject({
      confirmationId: first,
      topics: ['publicaties'],
    });
    expect(store.outbox.map((m) => m.data.confirmationId)).toEqual([first, first]);
  });

  it('sends an active subscriber a link to the preferences and changes nothing', async () => {
    await subscribe(ports, request);
    await confirmSubscription(ports, confirmToken());
    const before = store.subscriptions.get(personId);

    expect(await subscribe(ports, { ...request, topics: ['publicaties'] })).toBe('manage-link-sent');

    expect(store.subscriptions.get(personId)).toEqual(before);
    expect(store.outbox.at(-1)?.kind).toBe('subscription-manage-link');
  });

  it('starts again after unsubscribing or after the pending subscription expired', async () => {
    await subscribe(ports, request);
    clock.advance(7 * 86400);
    expect(await subscribe(ports, request)).toBe('confirmation-sent');
    expect(store.outbox[0]?.data.confirmationId).not.toBe(store.outbox[1]?.data.confirmationId);

    await confirmSubscription(ports, confirmToken());
    await unsubscribe(ports, personId);
    clock.advance(3600);
    expect(await subscribe(ports, request)).toBe('confirmation-sent');
    expect(store.subscriptions.get(personId)?.status).toBe('pending');
  });

  it('does nothing for a suppressed address', async () => {
    store.suppressed.add(personId);

    expect(await subscribe(ports, request)).toBe('suppressed');
    expect(store.subscriptions.size + store.outbox.length).toBe(0);
  });

  it(`sends at most ${mailsPerAddressPerHour} mails per address per rolling hour`, async () => {
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(await subscribe(ports, request));
      clock.advance(60);
    }
    expect(outcomes).toEqual([
      'confirmation-sent',
      'confirmation-sent',
      'confirmation-sent',
      'rate-limited',
      'rate-limited',
    ]);
    expect(store.outbox).toHaveLength(3);

    clock.advance(3600 - 5 * 60 + 1); // the first send leaves the window
    expect(await subscribe(ports, request)).toBe('confirmation-sent');
  });

  it('runs again when another request changed the records in between, and writes once', async () => {
    store.beforeCommit = () => {
      store.subscriptions.set(personId, {
        personId,
        email: 'dilly.timmer@example.org',
        status: 'unsubscribed',
        topics: ['nieuwsbrief'],
        consent: { at: 'x', source: 'api', textVersion: 'v' },
        createdAt: 'x',
        changedAt: 'x',
        version: 1,
      });
    };

    expect(await subscribe(ports, request)).toBe('confirmation-sent');
    expect(store.subscriptions.get(personId)).toMatchObject({ status: 'pending', version: 2 });
    expect(store.outbox).toHaveLength(1);
  });
});

describe('confirmSubscription', () => {
  it('activates, joins the topic audiences and queues one welcome; a second confirm changes nothing', async () => {
    await subscribe(ports, request);
    const token = confirmToken();

    expect(await confirmSubscription(ports, token)).toBe('confirmed');
    expect(await confirmSubscription(ports, token)).toBe('already-confirmed');

    const subscription = store.subscriptions.get(personId);
    expect(subscription?.status).toBe('active');
    expect(subscription?.expiresAt).toBeUndefined();
    expect([...(store.audiences.get('bijeenkomsten') ?? [])]).toEqual([personId]);
    expect(store.outbox.filter((m) => m.kind === 'subscription-welcome')).toHaveLength(1);
  });

  it('refuses an expired link, a link of an earlier round and a link after unsubscribing', async () => {
    await subscribe(ports, request);
    const token = confirmToken();
    clock.advance(7 * 86400);
    await expect(confirmSubscription(ports, token)).rejects.toThrow(InvalidToken);

    await subscribe(ports, request);
    const current = confirmToken();
    await expect(confirmSubscription(ports, token)).rejects.toThrow(InvalidToken);
    await unsubscribe(ports, personId);
    await expect(confirmSubscription(ports, current)).rejects.toThrow(InvalidToken);
    expect(store.subscriptions.get(personId)?.status).toBe('unsubscribed');
  });

  it('refuses a token of another purpose', async () => {
    await subscribe(ports, request);
    const wrong = ports.tokens.sign('manage-preferences', personId, { ttlSeconds: 60 });

    await expect(confirmSubscription(ports, wrong)).rejects.toMatchObject({ fault: 'purpose' });
    expect(store.subscriptions.get(personId)?.status).toBe('pending');
  });
});

describe('preferences and unsubscribing', () => {
  beforeEach(async () => {
    await subscribe(ports, request);
    await confirmSubscription(ports, confirmToken());
  });

  it('moves the audiences with the topics and keeps a name change', async () => {
    await updatePreferences(ports, personId, { topics: ['publicaties'], name: 'Dilly T.' });

    expect(store.subscriptions.get(personId)).toMatchObject({ topics: ['publicaties'], name: 'Dilly T.' });
    expect(store.audiences.get('nieuwsbrief')?.has(personId)).toBe(false);
    expect(store.audiences.get('publicaties')?.has(personId)).toBe(true);
  });

  it('asks for at least one topic', async () => {
    await expect(updatePreferences(ports, personId, { topics: [] })).rejects.toMatchObject({
      issues: [{ field: 'topics' }],
    });
  });

  it('unsubscribes once, leaves every audience, sends nothing, and answers the same the second time', async () => {
    const mailsBefore = store.outbox.length;

    expect(await unsubscribe(ports, personId)).toBe('unsubscribed');
    expect(await unsubscribe(ports, personId)).toBe('not-subscribed');

    expect(store.subscriptions.get(personId)?.status).toBe('unsubscribed');
    expect([...store.audiences.values()].every((members) => members.size === 0)).toBe(true);
    expect(store.outbox).toHaveLength(mailsBefore);
  });
});
