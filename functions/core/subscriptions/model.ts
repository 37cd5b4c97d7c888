/** The topics a subscriber can choose; `nieuwsbrief` is the default. */
export const topics = ['nieuwsbrief', 'bijeenkomsten', 'publicaties'] as const;
export type Topic = (typeof topics)[number];

export const subscriptionStatuses = ['pending', 'active', 'unsubscribed'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export type ConsentSource = 'form' | 'api';

/** What the person agreed to, when, where, and to which version of the text shown. */
export interface Consent {
  readonly at: string;
  readonly source: ConsentSource;
  readonly textVersion: string;
}

export interface Subscription {
  readonly personId: string;
  /** Normalised address; it lives on the subscription while pending, on the person record once confirmed. */
  readonly email: string;
  readonly name?: string;
  readonly status: SubscriptionStatus;
  readonly topics: readonly Topic[];
  readonly consent: Consent;
  /** Binds a confirm link to this round of opt-in; cleared on unsubscribe so old links stop working. */
  readonly confirmationId?: string;
  readonly createdAt: string;
  /** When the status last changed; orders the organiser's lists. */
  readonly changedAt: string;
  readonly confirmedAt?: string;
  readonly unsubscribedAt?: string;
  /** Pending only: epoch seconds after which the subscription counts as gone (TTL deletes it later). */
  readonly expiresAt?: number;
  /** Optimistic concurrency: every write is conditional on the version read. */
  readonly version: number;
}

/** A pending subscription past its expiry is absent, whether or not TTL has deleted it yet. */
export const isLive = (subscription: Subscription | undefined, now: Date): subscription is Subscription =>
  subscription !== undefined &&
  !(subscription.expiresAt !== undefined && subscription.expiresAt * 1000 <= now.getTime());

/** The topics whose audience a subscription belongs to: only confirmed subscribers are in any. */
export const audienceTopics = (subscription: Subscription | undefined): readonly Topic[] =>
  subscription?.status === 'active' ? subscription.topics : [];
