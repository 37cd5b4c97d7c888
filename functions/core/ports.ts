/**
 * The ports the core owns. Adapters (functions/adapters, local/) implement them for AWS and offline;
 * unit tests use the in-memory implementations in test/support.
 */

export interface Clock {
  now(): Date;
}

/** Opaque, unguessable identifiers (never derived from an address). */
export interface IdGenerator {
  next(): string;
}

export interface MailAddress {
  /** The bare address; it alone goes into the envelope (Destination.ToAddresses). */
  readonly address: string;
  /** Used in the greeting of the mail, never in the envelope. */
  readonly name?: string;
}

export interface MailHeader {
  readonly name: string;
  readonly value: string;
}

export interface MailAttachment {
  readonly fileName: string;
  /** MIME type, including parameters, e.g. `text/calendar; method=REQUEST; charset=UTF-8`. */
  readonly contentType: string;
  readonly content: string | Uint8Array;
  readonly disposition?: 'attachment' | 'inline';
}

export interface OutgoingMail {
  readonly to: MailAddress;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  readonly headers?: readonly MailHeader[];
  readonly attachments?: readonly MailAttachment[];
}

export interface SentMail {
  readonly messageId: string;
}

export interface SendOptions {
  /** Aborts the send (a delivery's deadline); an aborted send may have reached SES: SendOutcomeUnknown. */
  readonly signal?: AbortSignal;
  /** Tags SES repeats in its events about this mail (the outbox id), letters, digits, `_` and `-` only. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Sends one mail to one recipient. Failures are classified (core/mailings/delivery.ts): MailRejected,
 * SendingUnavailable, SendOutcomeUnknown; anything else is an infrastructure failure.
 */
export interface Mailer {
  send(mail: OutgoingMail, options?: SendOptions): Promise<SentMail>;
}

/**
 * The records stayed contended through every retry (DynamoDB's TransactionConflict): nothing was written,
 * and the same request a moment later will most likely go through. Not a domain outcome: answered 503.
 */
export class StillContended extends Error {
  override readonly name = 'StillContended';
  constructor() {
    super('The records stayed contended through every retry');
  }
}

/** Someone else changed the same records between our read and our write; nothing was written. */
export class ConcurrentChange extends Error {
  constructor() {
    super('The records changed between read and write');
  }
}

/** What a one-time schedule does when it fires. */
export type ScheduledJob =
  | { readonly kind: 'meeting-reminder'; readonly meetingId: string }
  /** A scheduled mailing starts; `scheduledAt` is the instant it was scheduled for (a stale firing is ignored). */
  | { readonly kind: 'mailing-send'; readonly mailingId: string; readonly scheduledAt: string }
  /** A scheduled report is published; `scheduledAt` as for a mailing. */
  | { readonly kind: 'report-publish'; readonly reportId: string; readonly scheduledAt: string };

/**
 * One-time schedules (EventBridge Scheduler in AWS, a table-backed scheduler offline). Both operations are
 * idempotent: `scheduleOnce` creates the schedule or moves it, `cancel` deletes it or does nothing.
 */
export interface Scheduler {
  scheduleOnce(name: string, at: Date, job: ScheduledJob): Promise<void>;
  cancel(name: string): Promise<void>;
}
