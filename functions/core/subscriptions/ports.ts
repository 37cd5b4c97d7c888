import type { OutboxMail } from '../mailings/outbox';
import type { MailRate, MailRateChange } from '../people/mail-rate';
import type { Subscription, SubscriptionStatus, Topic } from './model';

/** Everything the subscription use cases need to know about one person, read in one strongly consistent go. */
export interface SubscriberState {
  readonly subscription?: Subscription;
  /** SES reported a bounce or complaint: never mail this address. */
  readonly suppressed: boolean;
  readonly mailRate: MailRate;
  /**
   * When the person asked for no more organiser mailings to meeting audiences (an ISO instant on the person
   * record, `meetingMailingsOptOutAt`); absent when they get them.
   */
  readonly meetingMailingsOptOutAt?: string;
  /** An import asked this person to confirm: which, and until when (epoch seconds) that counts. */
  readonly askedByImport?: { readonly importId: string; readonly until: number };
}

/**
 * A change of the meeting-mailings opt-out on the person record: from the value read (`previous`, absent
 * when none) to `next` (absent to turn mailings back on). Conditional on `previous`.
 */
export interface MeetingMailingsOptOutChange {
  readonly previous?: string;
  readonly next?: string;
  /** When the change is made: the person record's `updatedAt`. */
  readonly at: string;
}

/**
 * One atomic change: the subscription goes from `previous` to `next` (either may be absent), optionally
 * with a mail-rate update and an outbox mail. The store derives topic memberships, counters and the person
 * record from the two subscription states and writes everything in one transaction, conditional on the
 * versions read; if anything moved in between it throws ConcurrentChange and writes nothing.
 */
export interface SubscriptionChange {
  readonly personId: string;
  readonly previous?: Subscription;
  readonly next?: Subscription;
  readonly mailRate?: MailRateChange;
  readonly mail?: OutboxMail;
  /** Not together with a subscription change that writes the person record (one item, one write). */
  readonly meetingMailingsOptOut?: MeetingMailingsOptOutChange;
  /** An import brought this person in: they join its audience (`{ import: id }`) in the same transaction. */
  readonly importMember?: ImportMember;
}

/**
 * A person an import brought in, on the line of the file they were on: they join its audience, and the person
 * is marked as asked by it (`askedByImport`) until `markedUntil` (epoch seconds).
 */
export interface ImportMember {
  readonly importId: string;
  readonly line: number;
  readonly at: string;
  readonly markedUntil: number;
}

export interface SubscriberListQuery {
  readonly status: SubscriptionStatus;
  readonly topic?: Topic;
  readonly cursor?: string;
  readonly limit: number;
  readonly now: Date;
}

export interface SubscriberListPage {
  readonly items: readonly Subscription[];
  readonly nextCursor: string | null;
}

export interface SubscriberCounts {
  readonly active: { readonly total: number } & Record<Topic, number>;
  readonly pending: { readonly total: number } & Record<Topic, number>;
  readonly unsubscribed: { readonly total: number };
}

/** What decides whether many people can be imported, read in one go (loadMany). */
export type SubscriberStanding = Pick<SubscriberState, 'subscription' | 'suppressed' | 'askedByImport'>;

export interface SubscriptionStore {
  load(personId: string): Promise<SubscriberState>;
  /** The standing of many people at once, strongly consistent (an import's first look at its rows). */
  loadMany(personIds: readonly string[]): Promise<ReadonlyMap<string, SubscriberStanding>>;
  commit(change: SubscriptionChange): Promise<void>;
  list(query: SubscriberListQuery): Promise<SubscriberListPage>;
  counts(now: Date): Promise<SubscriberCounts>;
}
