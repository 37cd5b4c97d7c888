import type { OutgoingMail } from '../ports';

/**
 * The outbox (docs/architecture.md, "Mail delivery"). A mail that follows a state change is written as an
 * OutboxMail in the same transaction as the change, and delivered by whoever claims it first (delivery.ts),
 * so a crash after the commit loses no mail and a retry sends none twice.
 */

/** Every kind of mail that goes through the outbox; each has one composer (web/mail/composers.ts). */
export const outboxMailKinds = [
  'subscription-confirm',
  'subscription-welcome',
  'subscription-manage-link',
  'subscription-fresh-link',
  'registration-request-confirm',
  'registration-confirmed',
  'registration-waiting',
  'registration-promoted',
  'registration-cancelled',
  'meeting-cancelled',
  'meeting-updated',
  'meeting-reminder',
  'digest-preview',
  'report-request-confirm',
  'report-request-granted',
] as const;
export type OutboxMailKind = (typeof outboxMailKinds)[number];

export interface OutboxMail {
  /** Unique per mail; the send ledger is keyed by it. */
  readonly mailId: string;
  readonly kind: OutboxMailKind;
  readonly recipient: {
    /** The person the mail is about; tokens in the mail carry this (or another opaque) id, never the address. */
    readonly personId: string;
    readonly address: string;
    readonly name?: string;
  };
  /** What the composer needs beyond the recipient, e.g. a confirmation id. Plain strings only. */
  readonly data: Readonly<Record<string, string>>;
  /** RFC 3339 UTC. */
  readonly createdAt: string;
}

/** Turns an outbox mail into the mail to send (rendering, signing the links it carries). */
export type ComposeMail = (mail: OutboxMail) => Promise<OutgoingMail>;

/**
 * A job that the delivery runs instead of sending: written in the same transaction as the change it follows,
 * it fans out into mails (with ids derived from it, so a second run queues none twice) and moves schedules.
 */
export interface MeetingChangedJob {
  readonly kind: 'meeting-changed';
  readonly meetingId: string;
  /** What happened: the reminder schedule follows the meeting; `updated` and `cancelled` mail people. */
  readonly change: 'published' | 'updated' | 'cancelled';
  /** The meeting's calendar sequence after the change: an update superseded by a later one mails nobody. */
  readonly sequence: number;
  /** Whether the participants get a mail (an update that moved nothing they see mails nobody). */
  readonly mailParticipants: boolean;
}

/**
 * Seats a capacity raise freed beyond what its own transaction could promote: the first people waiting are
 * promoted, a bounded transaction at a time, until the seats are full or nobody waits. Idempotent: it reads
 * the meeting and the queue as they are, so a second run (or one after a crash) promotes only who is left.
 */
export interface WaitingListPromotionJob {
  readonly kind: 'waiting-list-promotion';
  readonly meetingId: string;
}

/**
 * Someone asked to register: after the commit, the job decides which mail they get (a confirm link, or their
 * registration again), so the answer and the table calls of the request are the same for every address.
 */
export interface RegistrationRequestedJob {
  readonly kind: 'registration-requested';
  readonly meetingId: string;
  readonly personId: string;
  readonly requestId: string;
}

export type OutboxJob = MeetingChangedJob | WaitingListPromotionJob | RegistrationRequestedJob;

/** What the outbox holds: a mail to one person, or a job that fans out. */
export type OutboxEntry =
  | { readonly type: 'mail'; readonly mail: OutboxMail }
  | { readonly type: 'job'; readonly outboxId: string; readonly job: OutboxJob; readonly createdAt: string };
