import { untilCommitted } from '../concurrency';
import { InvalidInput, InvalidToken } from '../errors';
import type { OutboxMail, OutboxMailKind } from '../mailings/outbox';
import { nextMailRate } from '../people/mail-rate';
import type { PersonIds } from '../people/person-id';
import { normaliseAddress } from '../people/person-id';
import type { Clock, IdGenerator } from '../ports';
import { pendingSubscriptionSeconds } from '../retention';
import type { TokenSigner } from '../tokens';
import {
  type ConsentSource,
  isLive,
  type OpenSubscription,
  type Topic,
  type UnsubscribedSubscription,
} from './model';
import type { SubscriberCounts, SubscriberListPage, SubscriberListQuery, SubscriptionStore } from './ports';
import type { UnsubscribeScope } from './unsubscribe-scope';

export interface SubscriptionPorts {
  readonly store: SubscriptionStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly personIds: PersonIds;
}

export interface SubscribeRequest {
  readonly email: string;
  readonly name?: string;
  readonly topics: readonly Topic[];
  readonly source: ConsentSource;
  readonly consentTextVersion: string;
}

/** What happened, for tests and logs only: callers answer every outcome the same way. */
export type SubscribeOutcome = 'confirmation-sent' | 'manage-link-sent' | 'suppressed' | 'rate-limited';

/** One person's records: a conflict is rare, a few rounds settle it. */
const personRounds = { attempts: 4 };

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

const outboxMail = (
  ports: SubscriptionPorts,
  kind: OutboxMailKind,
  subscription: Pick<OpenSubscription, 'personId' | 'email' | 'name'>,
  data: Record<string, string> = {},
): OutboxMail => ({
  mailId: ports.ids.next(),
  kind,
  recipient: {
    personId: subscription.personId,
    address: subscription.email,
    ...(subscription.name ? { name: subscription.name } : {}),
  },
  data,
  createdAt: ports.clock.now().toISOString(),
});

/**
 * Someone asks to subscribe (form or API). Every outcome looks the same to the caller, so nobody can learn
 * whether an address is subscribed.
 * 1. Read the person's state (subscription, suppression, mail rate) strongly consistently.
 * 2. Suppressed → nothing. Over 3 mails this hour → nothing.
 * 3. Active → a mail with a link to the preferences, no change.
 *    New, expired or unsubscribed → pending, with a confirm mail; pending → the confirm mail again (same
 *    confirmation, the latest topics and name).
 * 4. Subscription, mail rate and outbox mail are written in one conditional transaction; a concurrent
 *    change makes the whole step run again.
 */
export const subscribe = (ports: SubscriptionPorts, request: SubscribeRequest): Promise<SubscribeOutcome> =>
  untilCommitted(personRounds, async () => {
    const email = normaliseAddress(request.email);
    const personId = ports.personIds.of(email);
    const state = await ports.store.load(personId);
    if (state.suppressed) return 'suppressed';
    const now = ports.clock.now();
    const mailRate = nextMailRate(state.mailRate, now);
    if (!mailRate) return 'rate-limited';

    const current = isLive(state.subscription, now) ? state.subscription : undefined;
    if (current?.status === 'active') {
      await ports.store.commit({
        personId,
        mailRate,
        mail: outboxMail(ports, 'subscription-manage-link', current),
      });
      return 'manage-link-sent';
    }

    const at = now.toISOString();
    const next: OpenSubscription = {
      personId,
      email,
      ...(request.name ? { name: request.name } : {}),
      status: 'pending',
      topics: [...new Set(request.topics)],
      consent: { at, source: request.source, textVersion: request.consentTextVersion },
      confirmationId:
        current?.status === 'pending' && current.confirmationId ? current.confirmationId : ports.ids.next(),
      createdAt: current?.createdAt ?? at,
      changedAt: at,
      expiresAt: epochSeconds(now) + pendingSubscriptionSeconds,
      version: (state.subscription?.version ?? 0) + 1,
    };
    await ports.store.commit({
      personId,
      ...(state.subscription ? { previous: state.subscription } : {}),
      next,
      mailRate,
      // The link in the mail expires with the subscription it confirms, not a moment later.
      mail: outboxMail(ports, 'subscription-confirm', next, {
        confirmationId: next.confirmationId ?? '',
        expiresAt: String(next.expiresAt),
      }),
    });
    return 'confirmation-sent';
  });

/** What happened, for tests and logs only: the page says the same whatever the address's state. */
export type ManageLinkOutcome = 'manage-link-sent' | 'not-subscribed' | 'suppressed' | 'rate-limited';

/**
 * Someone whose link was signed with a retired key asks for a fresh one (docs/architecture.md, "Links and tokens").
 * 1. Read the person's state strongly consistently.
 * 2. Not an active subscriber, suppressed, or over 3 mails this hour → nothing.
 * 3. Otherwise the mail with the link to the preferences (which unsubscribes too), signed with today's key,
 *    written with the mail rate in one conditional transaction.
 */
export const mailManageLink = (ports: SubscriptionPorts, address: string): Promise<ManageLinkOutcome> =>
  untilCommitted(personRounds, async () => {
    const personId = ports.personIds.of(normaliseAddress(address));
    const state = await ports.store.load(personId);
    const now = ports.clock.now();
    const current = isLive(state.subscription, now) ? state.subscription : undefined;
    if (current?.status !== 'active') return 'not-subscribed';
    if (state.suppressed) return 'suppressed';
    const mailRate = nextMailRate(state.mailRate, now);
    if (!mailRate) return 'rate-limited';
    await ports.store.commit({
      personId,
      mailRate,
      mail: outboxMail(ports, 'subscription-fresh-link', current),
    });
    return 'manage-link-sent';
  });

/** Splits the id a confirm token carries: `<personId>.<confirmationId>`. */
const confirmationOf = (tokenId: string) => {
  const [personId, confirmationId, ...rest] = tokenId.split('.');
  if (!personId || !confirmationId || rest.length > 0) throw new InvalidToken('malformed');
  return { personId, confirmationId };
};

/** Checks a confirm link before showing its page; a GET never confirms. */
export const checkConfirmationToken = async (tokens: TokenSigner, token: string): Promise<void> => {
  confirmationOf((await tokens.verify(token, 'confirm-subscription')).id);
};

export type ConfirmOutcome = 'confirmed' | 'already-confirmed';

/**
 * The person confirms with the link from the opt-in mail (a POST from the page the link opens).
 * 1. Verify the token: purpose, signature, expiry.
 * 2. Pending with this confirmation → active: the topic memberships, the counters, the person record and
 *    the welcome mail are written in the same transaction.
 * 3. Already active with this confirmation → nothing (idempotent, no second welcome).
 * 4. Anything else (expired, unsubscribed since, another round) → the link is no longer valid.
 */
export const confirmSubscription = async (
  ports: SubscriptionPorts & { readonly tokens: TokenSigner },
  token: string,
): Promise<ConfirmOutcome> => {
  const { personId, confirmationId } = confirmationOf(
    (await ports.tokens.verify(token, 'confirm-subscription')).id,
  );
  return untilCommitted(personRounds, async () => {
    const state = await ports.store.load(personId);
    const now = ports.clock.now();
    const current = isLive(state.subscription, now) ? state.subscription : undefined;
    if (!current || current.status === 'unsubscribed' || current.confirmationId !== confirmationId) {
      throw new InvalidToken('expired');
    }
    if (current.status === 'active') return 'already-confirmed';
    const at = now.toISOString();
    const { expiresAt: _, ...withoutExpiry } = current;
    const next: OpenSubscription = {
      ...withoutExpiry,
      status: 'active',
      confirmedAt: at,
      changedAt: at,
      version: current.version + 1,
    };
    await ports.store.commit({
      personId,
      previous: current,
      next,
      mail: outboxMail(ports, 'subscription-welcome', next),
    });
    return 'confirmed';
  });
};

/** The subscription a preferences link points at; only an active subscriber has preferences. */
export const loadPreferences = async (
  ports: SubscriptionPorts,
  personId: string,
): Promise<OpenSubscription> => (await preferencesOf(ports, personId)).subscription;

export interface Preferences {
  readonly subscription: OpenSubscription;
  /** Set when the person turned off organiser mailings to meeting audiences. */
  readonly meetingMailingsOptOutAt?: string;
}

/** What the preferences page shows: the subscription, and whether meeting mailings are turned off. */
export const preferencesOf = async (ports: SubscriptionPorts, personId: string): Promise<Preferences> => {
  const { subscription, meetingMailingsOptOutAt } = await ports.store.load(personId);
  if (subscription?.status !== 'active') throw new InvalidToken('expired');
  return { subscription, ...(meetingMailingsOptOutAt ? { meetingMailingsOptOutAt } : {}) };
};

export interface PreferencesChange {
  readonly topics: readonly Topic[];
  readonly name?: string;
}

/**
 * An active subscriber changes topics or name through the preferences link.
 * 1. At least one topic (unsubscribing is its own button).
 * 2. The subscription, its memberships, counters and the person record change in one transaction.
 */
export const updatePreferences = (
  ports: SubscriptionPorts,
  personId: string,
  change: PreferencesChange,
): Promise<OpenSubscription> =>
  untilCommitted(personRounds, async () => {
    if (change.topics.length === 0) {
      throw new InvalidInput([
        {
          field: 'topics',
          message: 'Kies minstens één onderwerp. Wil je niets meer ontvangen? Meld je dan af.',
        },
      ]);
    }
    const current = await loadPreferences(ports, personId);
    const { name: _, ...withoutName } = current;
    const next: OpenSubscription = {
      ...withoutName,
      ...(change.name ? { name: change.name } : {}),
      topics: [...new Set(change.topics)],
      version: current.version + 1,
    };
    await ports.store.commit({ personId, previous: current, next });
    return next;
  });

export type UnsubscribeOutcome = 'unsubscribed' | 'not-subscribed';

/**
 * One-click unsubscribe (RFC 8058) or the button on the preferences page. Always succeeds for the caller.
 * The consent text promises to delete the address and the name on unsubscribing, so nothing that
 * identifies the person stays behind.
 * 1. Active → unsubscribed: memberships removed, counters lowered, the address and name dropped from the
 *    subscription and the person record, one transaction. What stays (status, topics, consent, times) is
 *    the proof of the opt-out. No mail follows.
 * 2. Pending → deleted: never confirmed, so there is no consent to keep proof of; the confirm link dies
 *    with it.
 * 3. Anything else → nothing to do.
 */
export const unsubscribe = (ports: SubscriptionPorts, personId: string): Promise<UnsubscribeOutcome> =>
  untilCommitted(personRounds, async () => {
    const { subscription } = await ports.store.load(personId);
    const now = ports.clock.now();
    const current = isLive(subscription, now) ? subscription : undefined;
    if (!current || current.status === 'unsubscribed') return 'not-subscribed';
    if (current.status === 'pending') {
      await ports.store.commit({ personId, previous: current });
      return 'unsubscribed';
    }
    await ports.store.commit({ personId, previous: current, next: unsubscribedFrom(current, now) });
    return 'unsubscribed';
  });

/** An active subscription unsubscribed at `now`: the proof of the opt-out, without address or name. */
const unsubscribedFrom = (current: OpenSubscription, now: Date): UnsubscribedSubscription => {
  const at = now.toISOString();
  return {
    personId: current.personId,
    status: 'unsubscribed',
    topics: current.topics,
    consent: current.consent,
    createdAt: current.createdAt,
    ...(current.confirmedAt ? { confirmedAt: current.confirmedAt } : {}),
    unsubscribedAt: at,
    changedAt: at,
    version: current.version + 1,
  };
};

export type LeaveTopicsOutcome = 'left-topics' | UnsubscribeOutcome;

/**
 * One-click unsubscribe from a mailing's link for the topics it went to (unsubscribe-scope.ts).
 * 1. Not an active subscriber, or subscribed to none of these topics → nothing to do.
 * 2. Some topic left → those topics leave the subscription; memberships and counters follow in the same
 *    transaction, as when the preferences change. Address and name stay.
 * 3. No topic left → unsubscribed, exactly as by the full unsubscribe link.
 */
export const leaveTopics = (
  ports: SubscriptionPorts,
  personId: string,
  leaving: readonly Topic[],
): Promise<LeaveTopicsOutcome> =>
  untilCommitted(personRounds, async () => {
    const { subscription } = await ports.store.load(personId);
    const now = ports.clock.now();
    const current = isLive(subscription, now) ? subscription : undefined;
    if (current?.status !== 'active' || !current.topics.some((topic) => leaving.includes(topic)))
      return 'not-subscribed';
    const kept = current.topics.filter((topic) => !leaving.includes(topic));
    if (kept.length === 0) {
      await ports.store.commit({ personId, previous: current, next: unsubscribedFrom(current, now) });
      return 'unsubscribed';
    }
    const next: OpenSubscription = { ...current, topics: kept, version: current.version + 1 };
    await ports.store.commit({ personId, previous: current, next });
    return 'left-topics';
  });

export type MeetingMailingsOutcome = 'opted-out' | 'already-opted-out';

/**
 * One-click from a mailing's link for someone who got it only as a meeting participant: a flag on the person
 * record (`meetingMailingsOptOutAt`) that the mailing sender reads to leave them out of organiser mailings to
 * meeting audiences. Mail about their own registrations (confirmations, reminders, updates, cancellations)
 * does not read it. Idempotent: a second click keeps the first instant and writes nothing.
 */
export const optOutOfMeetingMailings = (
  ports: SubscriptionPorts,
  personId: string,
): Promise<MeetingMailingsOutcome> =>
  untilCommitted(personRounds, async () => {
    const { meetingMailingsOptOutAt } = await ports.store.load(personId);
    if (meetingMailingsOptOutAt !== undefined) return 'already-opted-out';
    const at = ports.clock.now().toISOString();
    await ports.store.commit({ personId, meetingMailingsOptOut: { next: at, at } });
    return 'opted-out';
  });

/** From the preferences page: organiser mailings to meeting audiences reach the person again. */
export const optInToMeetingMailings = (ports: SubscriptionPorts, personId: string): Promise<void> =>
  untilCommitted(personRounds, async () => {
    const { meetingMailingsOptOutAt } = await ports.store.load(personId);
    if (meetingMailingsOptOutAt === undefined) return;
    await ports.store.commit({
      personId,
      meetingMailingsOptOut: { previous: meetingMailingsOptOutAt, at: ports.clock.now().toISOString() },
    });
  });

export type ScopedUnsubscribeOutcome = LeaveTopicsOutcome | MeetingMailingsOutcome;

/** What an unsubscribe link does, by its scope: everything, some topics, or meeting mailings. */
export const unsubscribeWithin = (
  ports: SubscriptionPorts,
  scope: UnsubscribeScope,
): Promise<ScopedUnsubscribeOutcome> => {
  switch (scope.kind) {
    case 'all':
      return unsubscribe(ports, scope.personId);
    case 'topics':
      return leaveTopics(ports, scope.personId, scope.topics);
    case 'meeting':
      return optOutOfMeetingMailings(ports, scope.personId);
  }
};

export const listSubscribers = (
  store: SubscriptionStore,
  query: SubscriberListQuery,
): Promise<SubscriberListPage> => store.list(query);

export const countSubscribers = (store: SubscriptionStore, now: Date): Promise<SubscriberCounts> =>
  store.counts(now);
