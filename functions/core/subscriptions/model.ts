/** The topics a subscriber can choose; `nieuwsbrief` is the default. */
export const topics = ['nieuwsbrief', 'bijeenkomsten', 'publicaties'] as const;
export type Topic = (typeof topics)[number];

/** A topic as a sentence names it: "je bent aangemeld voor de nieuwsbrief". */
export const topicPhrases: Readonly<Record<Topic, string>> = {
  nieuwsbrief: 'de nieuwsbrief',
  bijeenkomsten: 'berichten over bijeenkomsten',
  publicaties: 'berichten over publicaties',
};

export const subscriptionStatuses = ['pending', 'active', 'unsubscribed'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/** Where a subscription came from: the form, the public API, or an organiser's import (import.ts). */
export const consentSources = ['form', 'api', 'import'] as const;
export type ConsentSource = (typeof consentSources)[number];

/** What the person agreed to, when, where, and to which version of the text shown. */
export interface Consent {
  readonly at: string;
  readonly source: ConsentSource;
  readonly textVersion: string;
  /** An import's: the import that brought the address in (the source it states is on the import). */
  readonly importId?: string;
  /**
   * An import marked as already confirmed: the evidence of the consent given elsewhere (where and how they
   * agreed), as the organiser stated it. The subscription is active at once, and this is its proof.
   */
  readonly evidence?: string;
}

interface SubscriptionRecord {
  readonly personId: string;
  readonly topics: readonly Topic[];
  readonly consent: Consent;
  readonly createdAt: string;
  /** When the status last changed; orders the organiser's lists. */
  readonly changedAt: string;
  readonly confirmedAt?: string;
  /** Optimistic concurrency: every write is conditional on the version read. */
  readonly version: number;
}

/** Pending or active: the address is known, and mail may go to it. */
export interface OpenSubscription extends SubscriptionRecord {
  readonly status: 'pending' | 'active';
  /** Normalised address; it lives on the subscription while pending, on the person record once confirmed. */
  readonly email: string;
  readonly name?: string;
  /** Binds a confirm link to this round of opt-in; gone after unsubscribing, so old links stop working. */
  readonly confirmationId?: string;
  /** Pending only: epoch seconds after which the subscription counts as gone (TTL deletes it later). */
  readonly expiresAt?: number;
}

/**
 * Unsubscribed: kept as proof of the opt-out (when, and the consent it ended) without the address or the
 * name, which the consent text promises to delete on unsubscribing.
 */
export interface UnsubscribedSubscription extends SubscriptionRecord {
  readonly status: 'unsubscribed';
  readonly unsubscribedAt: string;
}

export type Subscription = OpenSubscription | UnsubscribedSubscription;

/** A pending subscription past its expiry is absent, whether or not TTL has deleted it yet. */
export const isLive = (subscription: Subscription | undefined, now: Date): subscription is Subscription =>
  subscription !== undefined &&
  !(
    subscription.status === 'pending' &&
    subscription.expiresAt !== undefined &&
    subscription.expiresAt * 1000 <= now.getTime()
  );

/** The topics whose audience a subscription belongs to: only confirmed subscribers are in any. */
export const audienceTopics = (subscription: Subscription | undefined): readonly Topic[] =>
  subscription?.status === 'active' ? subscription.topics : [];
