import { beforeEach, describe, expect, it } from 'vitest';
import { timeOrderedIds } from '../../functions/adapters/ids';
import { InvalidToken } from '../../functions/core/errors';
import { mailsPerAddressPerHour } from '../../functions/core/people/mail-rate';
import { PersonIds } from '../../functions/core/people/person-id';
import { pendingSubscriptionSeconds } from '../../functions/core/retention';
import {
  confirmSubscription,
  leaveTopics,
  mailManageLink,
  optInToMeetingMailings,
  optOutOfMeetingMailings,
  preferencesOf,
  type SubscribeRequest,
  subscribe,
  unsubscribe,
  unsubscribeWithin,
  updatePreferences,
} from '../../functions/core/subscriptions/use-cases';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { paths } from '../../functions/paths';
import { composeSubscriptionConfirm } from '../../functions/web/mail/subscription-mails';
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

const siteUrl = 'https://dropin.example.org';
const newestOptIn = () => {
  const mail = store.outbox.filter((m) => m.kind === 'subscription-confirm').at(-1);
  if (!mail) throw new Error('No opt-in mail in the outbox');
  return mail;
};

/** The confirm token in the link of the newest opt-in mail, composed as the relay composes it now. */
const confirmToken = () => {
  const { text } = composeSubscriptionConfirm(newestOptIn(), {
    tokens: ports.tokens,
    siteUrl,
    organiserAddress: 'bijeenkomsten@dropin.example.org',
    calendarDomain: 'dropin.example.org',
  });
  const link = text.match(new RegExp(`${siteUrl}${paths.confirmSubscription}\\?token=\\S+`))?.[0];
  if (!link) throw new Error('No confirm link in the opt-in mail');
  return new URL(link).searchParams.get('token') ?? '';
};

/**
 * The newest opt-in's confirmation, signed to stay valid for a month: a token check cannot refuse it, so
 * only the state of the subscription can.
 */
const lastingConfirmToken = () => {
  const mail = newestOptIn();
  return ports.tokens.sign('confirm-subscription', `${mail.recipient.personId}.${mail.data.confirmationId}`, {
    ttlSeconds: 30 * 86400,
  });
};

beforeEach(() => {
  clock = new FixedClock(new Date('2027-03-27T12:00:00Z'));
  store = new InMemorySubscriptionStore();
  ports = {
    store,
    clock,
    ids: timeOrderedIds(clock),
    personIds: new PersonIds(secret),
    tokens: new TokenSigner(fixedLinkKeys(secret), clock),
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
      expiresAt: Date.parse('2027-04-03T12:00:00Z') / 1000,
    });
    expect(store.outbox.map((m) => [m.kind, m.recipient.address])).toEqual([
      ['subscription-confirm', 'dilly.timmer@example.org'],
    ]);
    expect(store.audiences.get('nieuwsbrief')?.size).toBe(0);
  });

  it('sends the same confirmation again while pending, with the latest topics', async () => {
    await subscribe(ports, request);
    const first = newestOptIn().data.confirmationId;
    expect(store.subscriptions.get(personId)).toMatchObject({ confirmationId: first });

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
    expect(store.subscriptions.get(personId)).toMatchObject({
      status: 'pending',
      email: 'dilly.timmer@example.org',
      name: 'Dilly',
    });
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
        status: 'unsubscribed',
        topics: ['nieuwsbrief'],
        consent: { at: 'x', source: 'api', textVersion: 'v' },
        createdAt: 'x',
        changedAt: 'x',
        unsubscribedAt: 'x',
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
    expect(subscription).not.toHaveProperty('expiresAt');
    expect([...(store.audiences.get('bijeenkomsten') ?? [])]).toEqual([personId]);
    expect(store.outbox.filter((m) => m.kind === 'subscription-welcome')).toHaveLength(1);
  });

  // The tokens below are still valid as tokens: only the state of the subscription may refuse them.
  it('refuses a link whose pending subscription expired', async () => {
    await subscribe(ports, request);
    const token = lastingConfirmToken();
    clock.advance(pendingSubscriptionSeconds);

    await expect(confirmSubscription(ports, token)).rejects.toMatchObject({ fault: 'expired' });
    expect(store.subscriptions.get(personId)?.status).toBe('pending');
    expect(store.outbox.filter((m) => m.kind === 'subscription-welcome')).toHaveLength(0);
  });

  it('refuses a link of an earlier round', async () => {
    await subscribe(ports, request);
    const earlier = lastingConfirmToken();
    clock.advance(pendingSubscriptionSeconds);
    await subscribe(ports, request);

    await expect(confirmSubscription(ports, earlier)).rejects.toMatchObject({ fault: 'expired' });
    expect(store.subscriptions.get(personId)?.status).toBe('pending');
  });

  it('refuses a link after unsubscribing, pending or confirmed', async () => {
    await subscribe(ports, request);
    const pending = lastingConfirmToken();
    await unsubscribe(ports, personId);
    await expect(confirmSubscription(ports, pending)).rejects.toThrow(InvalidToken);

    await subscribe(ports, request);
    const confirmed = lastingConfirmToken();
    await confirmSubscription(ports, confirmed);
    await unsubscribe(ports, personId);
    await expect(confirmSubscription(ports, confirmed)).rejects.toThrow(InvalidToken);
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

  it('keeps the proof of the opt-out without the address or the name', async () => {
    const active = store.subscriptions.get(personId);
    clock.advance(60);

    await unsubscribe(ports, personId);

    const kept = store.subscriptions.get(personId);
    expect(kept).toEqual({
      personId,
      status: 'unsubscribed',
      topics: ['nieuwsbrief', 'bijeenkomsten'],
      consent: active?.consent,
      createdAt: active?.createdAt,
      confirmedAt: active?.confirmedAt,
      changedAt: '2027-03-27T12:01:00.000Z',
      unsubscribedAt: '2027-03-27T12:01:00.000Z',
      version: (active?.version ?? 0) + 1,
    });
    expect(JSON.stringify(kept)).not.toMatch(/dilly|@/i);
  });
});

describe("a mailing's unsubscribe link for some topics", () => {
  beforeEach(async () => {
    await subscribe(ports, { ...request, topics: ['nieuwsbrief', 'bijeenkomsten', 'publicaties'] });
    await confirmSubscription(ports, confirmToken());
  });

  it('removes exactly those topics and their audiences, keeps the rest, the address and the name', async () => {
    const active = store.subscriptions.get(personId);

    expect(await leaveTopics(ports, personId, ['nieuwsbrief', 'publicaties'])).toBe('left-topics');

    expect(store.subscriptions.get(personId)).toEqual({
      ...active,
      topics: ['bijeenkomsten'],
      version: (active?.version ?? 0) + 1,
    });
    expect(store.audiences.get('nieuwsbrief')?.has(personId)).toBe(false);
    expect(store.audiences.get('publicaties')?.has(personId)).toBe(false);
    expect(store.audiences.get('bijeenkomsten')?.has(personId)).toBe(true);
  });

  it('unsubscribes fully when no topic is left, as the full unsubscribe link does', async () => {
    await leaveTopics(ports, personId, ['nieuwsbrief']);
    const mailsBefore = store.outbox.length;

    expect(
      await unsubscribeWithin(ports, { kind: 'topics', personId, topics: ['bijeenkomsten', 'publicaties'] }),
    ).toBe('unsubscribed');

    const kept = store.subscriptions.get(personId);
    expect(kept).toMatchObject({ status: 'unsubscribed', topics: ['bijeenkomsten', 'publicaties'] });
    expect(JSON.stringify(kept)).not.toMatch(/dilly|@/i);
    expect([...store.audiences.values()].every((members) => members.size === 0)).toBe(true);
    expect(store.outbox).toHaveLength(mailsBefore);
  });

  it('changes nothing for topics already left or a subscriber no longer active', async () => {
    await leaveTopics(ports, personId, ['nieuwsbrief']);
    const before = store.subscriptions.get(personId);

    expect(await leaveTopics(ports, personId, ['nieuwsbrief'])).toBe('not-subscribed');
    expect(store.subscriptions.get(personId)).toBe(before);

    await unsubscribe(ports, personId);
    const unsubscribed = store.subscriptions.get(personId);
    expect(await leaveTopics(ports, personId, ['bijeenkomsten'])).toBe('not-subscribed');
    expect(store.subscriptions.get(personId)).toBe(unsubscribed);
  });

  it('leaves meeting mailings alone, and a full scope still unsubscribes from everything', async () => {
    await unsubscribeWithin(ports, { kind: 'topics', personId, topics: ['publicaties'] });
    expect(store.meetingMailingsOptOutAt.has(personId)).toBe(false);

    expect(await unsubscribeWithin(ports, { kind: 'all', personId })).toBe('unsubscribed');
    expect(store.subscriptions.get(personId)?.status).toBe('unsubscribed');
  });
});

describe("a mailing's unsubscribe link for meeting participants", () => {
  it('sets the opt-out once, keeps its first instant and touches no subscription', async () => {
    await subscribe(ports, request);
    await confirmSubscription(ports, confirmToken());
    const subscription = store.subscriptions.get(personId);

    expect(await unsubscribeWithin(ports, { kind: 'meeting', personId })).toBe('opted-out');
    clock.advance(60);
    expect(await optOutOfMeetingMailings(ports, personId)).toBe('already-opted-out');

    expect(store.meetingMailingsOptOutAt.get(personId)).toBe('2027-03-27T12:00:00.000Z');
    expect((await store.load(personId)).meetingMailingsOptOutAt).toBe('2027-03-27T12:00:00.000Z');
    expect(store.subscriptions.get(personId)).toBe(subscription);
  });

  it('works for someone who never subscribed', async () => {
    const participant = new PersonIds(secret).of('deelnemer@example.org');

    expect(await optOutOfMeetingMailings(ports, participant)).toBe('opted-out');
    expect(store.meetingMailingsOptOutAt.has(participant)).toBe(true);
    expect(store.subscriptions.has(participant)).toBe(false);
  });

  it('writes once when two clicks race', async () => {
    store.beforeCommit = () => store.meetingMailingsOptOutAt.set(personId, '2027-03-27T11:59:59.000Z');

    expect(await optOutOfMeetingMailings(ports, personId)).toBe('already-opted-out');
    expect(store.meetingMailingsOptOutAt.get(personId)).toBe('2027-03-27T11:59:59.000Z');
  });

  it('is turned back on from the preferences, which show it while it is set', async () => {
    await subscribe(ports, request);
    await confirmSubscription(ports, confirmToken());
    await optOutOfMeetingMailings(ports, personId);
    expect((await preferencesOf(ports, personId)).meetingMailingsOptOutAt).toBe('2027-03-27T12:00:00.000Z');

    await optInToMeetingMailings(ports, personId);
    await optInToMeetingMailings(ports, personId);

    expect(store.meetingMailingsOptOutAt.has(personId)).toBe(false);
    expect(await preferencesOf(ports, personId)).not.toHaveProperty('meetingMailingsOptOutAt');
  });
});

describe('unsubscribing while pending', () => {
  it('deletes the subscription, so nothing outlives its expiry', async () => {
    await subscribe(ports, request);

    expect(await unsubscribe(ports, personId)).toBe('unsubscribed');

    expect(store.subscriptions.has(personId)).toBe(false);
    expect(await unsubscribe(ports, personId)).toBe('not-subscribed');
  });
});

describe('the opt-in mail', () => {
  it('carries a confirm link that expires exactly with the pending subscription', async () => {
    await subscribe(ports, request);
    clock.advance(3 * 3600); // the relay delivers late
    const subscription = store.subscriptions.get(personId);

    const { expiresAt } = await ports.tokens.verify(confirmToken(), 'confirm-subscription');

    expect(newestOptIn().data.expiresAt).toBe(String(Date.parse('2027-04-03T12:00:00Z') / 1000));
    expect(subscription).toMatchObject({ expiresAt: (expiresAt?.getTime() ?? 0) / 1000 });
  });

  it('cannot be composed once the subscription it confirms has expired', async () => {
    await subscribe(ports, request);
    clock.advance(pendingSubscriptionSeconds);

    expect(() => confirmToken()).toThrow(/pending subscription expired at 2027-04-03T12:00:00.000Z/);
  });
});

describe('mailManageLink (a link signed with a retired key asked for a fresh one)', () => {
  it('mails an active subscriber a fresh link, and writes nothing else', async () => {
    await subscribe(ports, request);
    await confirmSubscription(ports, confirmToken());
    const before = store.subscriptions.get(personId);
    clock.advance(3600);

    expect(await mailManageLink(ports, ' Dilly.Timmer@Example.org ')).toBe('manage-link-sent');

    expect(store.outbox.at(-1)).toMatchObject({
      kind: 'subscription-fresh-link',
      recipient: { personId, address: 'dilly.timmer@example.org' },
    });
    expect(store.subscriptions.get(personId)).toEqual(before);
  });

  it('mails nobody who is not an active subscriber, is suppressed, or had three mails this hour', async () => {
    expect(await mailManageLink(ports, 'onbekend@example.org')).toBe('not-subscribed');
    await subscribe(ports, request);
    expect(await mailManageLink(ports, request.email)).toBe('not-subscribed'); // pending
    await confirmSubscription(ports, confirmToken());
    // The opt-in mail counted already: the hour allows this many more.
    for (let mail = 1; mail < mailsPerAddressPerHour; mail++) {
      expect(await mailManageLink(ports, request.email)).toBe('manage-link-sent');
    }
    const sent = store.outbox.length;
    expect(await mailManageLink(ports, request.email)).toBe('rate-limited');
    clock.advance(3600);
    store.suppressed.add(personId);
    expect(await mailManageLink(ports, request.email)).toBe('suppressed');
    expect(store.outbox.length).toBe(sent);
  });
});
