import type { Clock, Mailer, OutgoingMail, SentMail } from '../ports';

/**
 * The outbox (DESIGN.md decision 7). A mail that follows a state change is written as an OutboxMail in the
 * same transaction as the change; a consumer (the stream relay in AWS, the local relay offline) delivers it
 * through a send ledger, so a crash after the commit loses no mail and a retry sends none twice.
 */

/** Every kind of mail that goes through the outbox; each has one composer (web/mail/composers.ts). */
export const outboxMailKinds = [
  'subscription-confirm',
  'subscription-welcome',
  'subscription-manage-link',
  'registration-confirmed',
  'registration-waiting',
  'registration-promoted',
  'registration-cancelled',
  'meeting-cancelled',
  'meeting-updated',
  'meeting-reminder',
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

export type LedgerClaim =
  /** This delivery may send now; it holds a lease until it marks the mail sent. */
  | 'claimed'
  /** Already sent: nothing to do. */
  | 'sent'
  /** Another delivery holds a live lease: try again later. */
  | 'busy';

/** One record per outbox mail: claimed with a lease before sending, marked sent after. */
export interface SendLedger {
  claim(mailId: string, now: Date, leaseSeconds: number): Promise<LedgerClaim>;
  markSent(mailId: string, messageId: string, now: Date): Promise<void>;
  /**
   * Ends the lease of the claim made at `claimedAt` with `leaseSeconds` early, because its delivery failed
   * before the mail went out. Does nothing when that claim is no longer the current one (its lease ran out and
   * another delivery claimed the mail) or the mail was sent.
   */
  release(mailId: string, claimedAt: Date, leaseSeconds: number): Promise<void>;
}

export interface DeliveryPorts {
  readonly ledger: SendLedger;
  readonly mailer: Mailer;
  readonly compose: ComposeMail;
  readonly clock: Clock;
}

export class DeliveryBusy extends Error {
  constructor(mailId: string) {
    super(`Outbox mail ${mailId} is being delivered by another consumer`);
  }
}

/** How long a claim protects a delivery in progress; after it, a retry may send (the first one died). */
export const deliveryLeaseSeconds = 60;

/**
 * Delivers one outbox mail at most once per successful send.
 * 1. Claim the mail in the send ledger; if it was sent already, stop.
 * 2. Compose and send it. If that throws, the mail did not go out: release the claim, so the retry (which
 *    may come before the lease ends) need not wait for it, and rethrow.
 * 3. Mark it sent. A crash between 2 and 3 can repeat the mail once after the lease ends; a crash before 2
 *    leaves the claim to expire, so the next delivery sends it: no mail is lost.
 */
export const deliverOutboxMail = async (
  { ledger, mailer, compose, clock }: DeliveryPorts,
  mail: OutboxMail,
): Promise<'sent' | 'already-sent'> => {
  const claimedAt = clock.now();
  const claim = await ledger.claim(mail.mailId, claimedAt, deliveryLeaseSeconds);
  if (claim === 'sent') return 'already-sent';
  if (claim === 'busy') throw new DeliveryBusy(mail.mailId);
  let sent: SentMail;
  try {
    sent = await mailer.send(await compose(mail));
  } catch (error) {
    // Best effort: if the release fails too, the lease runs out on its own.
    await ledger.release(mail.mailId, claimedAt, deliveryLeaseSeconds).catch(() => undefined);
    throw error;
  }
  await ledger.markSent(mail.mailId, sent.messageId, clock.now());
  return 'sent';
};
