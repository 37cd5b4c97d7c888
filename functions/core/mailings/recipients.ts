import type { Topic } from '../subscriptions/model';
import type { Audience, MailingCounts } from './mailing';

/**
 * The recipients of a mailing that is sending (docs/architecture.md, "Sending a mailing"): the audience as it
 * was when sending started, one item per distinct person, each its own send ledger entry. These are the
 * ports the sender (sender.ts) works through; the DynamoDB adapters implement them, and the unit tests have
 * in-memory ones.
 */

/** The tags of every mailing send (with the mailing's and the person's ids): SES repeats them in its events. */
export const mailingTag = 'mailing';
export const recipientTag = 'recipient';

/** Which part of the audience brought a person in (both, for someone in the union twice). */
export interface AudienceMember {
  readonly personId: string;
  readonly from: 'topics' | 'meeting' | 'import';
}

/** Where the snapshot of an audience stopped: the part (each topic, then the meeting) and the last key read. */
export interface SnapshotCursor {
  readonly part: number;
  readonly after?: string;
}

/** The audience, read a page at a time in a fixed order, so a snapshot can stop and resume anywhere. */
export interface AudienceSource {
  page(
    audience: Audience,
    cursor: SnapshotCursor | undefined,
    limit: number,
  ): Promise<{ readonly members: readonly AudienceMember[]; readonly next?: SnapshotCursor }>;
}

export type RecipientState = 'pending' | 'sending' | 'sent' | 'skipped' | 'failed';

/** A recipient not yet settled, as a page of the ledger lists it. */
export interface UnsettledRecipient {
  readonly personId: string;
  readonly state: 'pending' | 'sending';
  /** Pending: when it may be sent; sending: when its claim (and the wait for SES's Send event) ends. */
  readonly dueAt: string;
  readonly inTopics: boolean;
  readonly inMeeting: boolean;
  readonly inImport: boolean;
}

/** A sender's hold on one recipient: only the holder records its outcome. */
export interface RecipientClaim {
  readonly mailingId: string;
  readonly personId: string;
  readonly claimId: string;
  /** Transient failures so far. */
  readonly failures: number;
  /** An earlier claim ended without an outcome and no Send event settled it: this send may be a resend. */
  readonly resend: boolean;
}

export type RecipientClaimResult =
  | { readonly outcome: 'claimed'; readonly claim: RecipientClaim }
  /** Settled, held by a live claim, or not due: nothing to do now. */
  | { readonly outcome: 'not-claimable' };

/** A failure that sending again cannot mend, or one that outlasted its retries (retry-failed takes those). */
export type FailureKind = 'permanent' | 'transient';

/** The send ledger of one mailing's recipients. Outcomes are written only for the claim that holds one. */
export interface MailingRecipients {
  /** Writes one page of the snapshot; a person already in it is not written again. Returns how many were new. */
  add(mailingId: string, members: readonly AudienceMember[], now: Date): Promise<number>;
  /** The unsettled recipients after `after` in key order, a page at a time. */
  unsettled(
    mailingId: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ readonly recipients: readonly UnsettledRecipient[]; readonly next?: string }>;
  /** Claims a pending recipient that is due, or one whose earlier claim and Send-event wait are over. */
  claim(mailingId: string, personId: string, now: Date, holdUntil: Date): Promise<RecipientClaimResult>;
  sent(claim: RecipientClaim, now: Date, messageId: string): Promise<'done' | 'superseded'>;
  skipped(claim: RecipientClaim, now: Date, reason: SkipReason): Promise<void>;
  failed(claim: RecipientClaim, now: Date, kind: FailureKind, reason: string): Promise<void>;
  /** Back to pending, due at `at`; a transient failure counts towards the retries, throttling does not. */
  retryAt(claim: RecipientClaim, now: Date, at: Date, transientFailure: boolean): Promise<void>;
  /** The counts, read from the ledger itself (a Query over the mailing's recipients, page by page). */
  recount(mailingId: string): Promise<Omit<MailingCounts, 'audience'> & { readonly audience: number }>;
  /** Recipients whose transient failures outlasted their retries go back to pending; returns how many. */
  requeueFailed(mailingId: string, now: Date): Promise<number>;
  /** SES reported the Send of a mail to this recipient: sent, whatever the sender knew. False when settled. */
  settleFromSendEvent(mailingId: string, personId: string, messageId: string, at: Date): Promise<boolean>;
}

export type SkipReason = 'unsubscribed' | 'suppressed' | 'opted-out';

/** How the recipient is in the audience now: it decides their unsubscribe link and the footer's reason. */
export type RecipientVia =
  | { readonly kind: 'topics'; readonly topics: readonly Topic[] }
  | { readonly kind: 'meeting' }
  /**
   * Brought in by an import and not yet confirmed: the mail asks them to confirm, with a link bound to this
   * round of opt-in that expires with it (epoch seconds), as the form's confirmation mail has.
   */
  | { readonly kind: 'import'; readonly confirmationId: string; readonly expiresAt: number };

/** Whether a recipient gets the mail now: read just before the send. */
export type RecipientStanding =
  | {
      readonly send: true;
      readonly address: string;
      readonly name?: string;
      readonly via: RecipientVia;
    }
  | { readonly send: false; readonly reason: SkipReason };

export interface RecipientChecks {
  /**
   * Reads the person, their subscription, their registration for the mailing's meeting and the suppression
   * list now: a subscriber who left the mailing's topics, a registration withdrawn, a person who opted out
   * of mailings to meeting audiences or was suppressed since the snapshot gets nothing.
   */
  standing(audience: Audience, recipient: UnsettledRecipient): Promise<RecipientStanding>;
}

/** What the sender keeps about a mailing while it sends (beside the mailing, which organisers write). */
export interface SendingProgress {
  /** Set once the whole audience is written; until then, where the snapshot goes on. */
  readonly snapshot: { readonly done: boolean; readonly cursor?: SnapshotCursor };
  readonly counts: MailingCounts;
  /** Mails per second the sender paces this mailing at (shared with any other sending at once). */
  readonly rate?: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** From SES's events about this mailing's mails. */
  readonly deliveries: number;
  readonly complaints: number;
  /** Complaints an organiser saw when resuming a mailing the complaints had paused. */
  readonly complaintsAcknowledged: number;
}

export interface SendingProgressStore {
  get(mailingId: string): Promise<SendingProgress | undefined>;
  /** A snapshot page was written: `added` new recipients, and where the next page starts (none: done). */
  snapshotPage(mailingId: string, added: number, next: SnapshotCursor | undefined, now: Date): Promise<void>;
  /** Adds what the sender did since its last report, and the rate it sends at. */
  report(mailingId: string, tallies: Partial<MailingCounts>, rate: number, now: Date): Promise<void>;
  /** The exact counts, from a recount of the ledger. */
  setCounts(mailingId: string, counts: MailingCounts, now: Date, finished: boolean): Promise<void>;
  /** An organiser resumes a mailing its complaints paused: the complaints so far no longer count. */
  acknowledgeComplaints(mailingId: string): Promise<void>;
  /**
   * SES delivered one of the mailing's mails to `personId`, or they complained (the SES events function).
   * Counted once per recipient and kind, however often SES reports it: false when it was counted before (or
   * the recipient is not in the mailing's ledger).
   */
  recordFeedback(
    mailingId: string,
    personId: string,
    feedback: 'delivery' | 'complaint',
    at: Date,
  ): Promise<boolean>;
}

/** One sender per SES account and region: a lease in the table decides which process sends. */
export interface SenderLease {
  /** Takes the lease when it is free or expired; true when this owner holds it until `until`. */
  acquire(owner: string, now: Date, until: Date): Promise<boolean>;
  /** Extends the lease this owner holds; false when it is lost (another owner took it after it expired). */
  renew(owner: string, until: Date): Promise<boolean>;
  release(owner: string): Promise<void>;
}

/** What SES's GetAccount says about sending now. */
export interface AccountStanding {
  readonly maxSendRate: number;
  /** -1: no limit. */
  readonly max24HourSend: number;
  readonly sentLast24Hours: number;
  readonly productionAccessEnabled: boolean;
  /** False when SES paused sending for the account (or suspended it). */
  readonly sendingEnabled: boolean;
}

export interface SendingAccount {
  standing(): Promise<AccountStanding>;
}

/** How much of the day's quota is left; Infinity when there is no quota. */
export const remainingQuota = (account: AccountStanding): number =>
  account.max24HourSend < 0
    ? Number.POSITIVE_INFINITY
    : Math.max(0, account.max24HourSend - account.sentLast24Hours);
