import type { Clock, Mailer, SentMail } from '../ports';
import type { ComposeMail, OutboxEntry, OutboxJob, OutboxMail } from './outbox';

/**
 * Delivery of outbox entries (docs/architecture.md, "Mail delivery"). An entry — a mail, or a job that
 * fans out into mails — is written in the same transaction as the state change it follows, as `pending`,
 * and delivered by whoever claims it first: the stream relay right after the commit (the fast path) or the
 * sweeper, which every minute takes what is due (missed by the stream, postponed, or in doubt). A claim is a
 * conditional write with a lease; every outcome is recorded on the entry, so the relay never fails a batch
 * and one mail never holds up another.
 *
 * Failures fall in three classes:
 * - permanent for this mail (SES rejects it, its composer fails on its data): `failed`, never retried;
 * - account-level (sending paused, throttled, quota) or infrastructure (a timeout, the secret): the entry
 *   stays pending and is retried with backoff; infrastructure errors give up after 24 h;
 * - in doubt (the call may have reached SES): like infrastructure, but the retry waits for SES's Send event,
 *   which settles the mail as sent, for long enough that it would have arrived.
 */

/** How long a claim protects the delivery that made it (entries.ts checks every delivering timeout against it). */
export const deliveryLeaseSeconds = 120;
/** How much longer than a delivering function's timeout the lease must last. */
export const deliveryLeaseMarginSeconds = 30;
/**
 * After a claim's lease ends without an outcome, its mail may have been accepted by SES: nobody sends it
 * again until this much later, so the Send event (tagged with the mail's id) can settle it first.
 */
export const sendEventWaitSeconds = 60;
/** The sweeper leaves a new entry to the stream for this long after it was written. */
export const streamGraceSeconds = 10;
/** Infrastructure failures are retried this long after the entry was written; then the mail is failed. */
export const retryWindowSeconds = 24 * 3600;
/** The first retry waits about this long; each later one twice as long, up to `maximumBackoffSeconds`. */
export const firstBackoffSeconds = 10;
export const maximumBackoffSeconds = 15 * 60;
/** A delivery does not start a send with less time than this left before its function's deadline. */
export const minimumSendTimeMs = 15_000;
/** A send is aborted this long before the function's deadline, leaving time to record the outcome. */
const recordingTimeMs = 2_000;

/** How long a send started at `now` may take: until shortly before the deadline. */
export const sendTimeoutMs = (deadline: Date, now: Date): number =>
  Math.max(1, deadline.getTime() - now.getTime() - recordingTimeMs);

/** SES refused this mail for good (MessageRejected, an invalid address): sending it again cannot help. */
export class MailRejected extends Error {
  override readonly name = 'MailRejected';
}

/** A composer failed on this mail's own data: no retry can render it. */
export class MailCompositionFailed extends Error {
  override readonly name = 'MailCompositionFailed';
}

/** The SES account cannot send now (paused, suspended, throttled, daily quota): every mail waits. */
export class SendingUnavailable extends Error {
  override readonly name = 'SendingUnavailable';
  constructor(
    message: string,
    /** What holds the account up: the rate (retry at once, slower), the day's quota, or SES paused it. */
    readonly account: 'throttled' | 'quota' | 'paused' = 'paused',
  ) {
    super(message);
  }
}

/** The send may or may not have reached SES (timed out, aborted at the deadline, connection lost). */
export class SendOutcomeUnknown extends Error {
  override readonly name = 'SendOutcomeUnknown';
}

/** Why a delivery was postponed; `account` and `infrastructure` are retried, `in-doubt` waits for SES's event first. */
export type PostponeReason = 'account' | 'infrastructure' | 'in-doubt';

/** Which entry: a mail and a job with the same id are different items. */
export interface OutboxRef {
  readonly id: string;
  readonly type: 'mail' | 'job';
}

/** A delivery's hold on one entry: only the holder can record the entry's outcome. */
export interface Claim {
  readonly ref: OutboxRef;
  /** Unique per claim: every write of an outcome is conditional on it. */
  readonly claimId: string;
  /** 1 for the first claim of the entry. */
  readonly attempt: number;
  /** The previous claim ended without an outcome and no Send event came: a mail sent now is a resend. */
  readonly resend: boolean;
  /** When the entry was written: the retry window counts from it. */
  readonly createdAt: string;
}

export type ClaimResult =
  | { readonly outcome: 'claimed'; readonly claim: Claim; readonly entry: OutboxEntry }
  /** Sent, failed or skipped already: nothing to do. */
  | { readonly outcome: 'done' }
  /** Another delivery holds a live claim, or a claim in doubt waits for its Send event. */
  | { readonly outcome: 'busy' }
  /** Postponed to a later time. */
  | { readonly outcome: 'not-due' }
  /** No such entry (never written, or removed by TTL long after it was settled). */
  | { readonly outcome: 'missing' }
  /** Its item is not a readable entry: recorded failed by the ledger, as no retry can read it. */
  | {
      readonly outcome: 'unreadable';
      readonly kind: string | undefined;
      readonly problems: readonly string[];
    };

/**
 * The outbox's delivery state in the table. Every method but `claim` writes only for the claim that holds the
 * entry; a claim that is no longer current (its lease ended and another delivery took over) changes nothing.
 */
export interface OutboxLedger {
  /**
   * Claims a pending entry that is due, or one whose previous claim is over and whose Send-event wait has
   * passed. `now` decides the lease.
   */
  claim(ref: OutboxRef, now: Date): Promise<ClaimResult>;
  /** The mail went out (or the job is done). `superseded` when the claim is no longer current. */
  complete(claim: Claim, now: Date, messageId?: string): Promise<'done' | 'superseded'>;
  /** Permanent failure, with a reason for people (no address in it); listed among failed mail. */
  fail(claim: Claim, now: Date, reason: string): Promise<void>;
  /** Not sent because the address is suppressed. */
  skip(claim: Claim, now: Date, reason: string): Promise<void>;
  /** Back to pending, due again at `until`. */
  postpone(claim: Claim, now: Date, until: Date, reason: PostponeReason, detail: string): Promise<void>;
  /** Entries the sweeper should try now, the longest due first. */
  due(now: Date, limit: number): Promise<readonly OutboxRef[]>;
  /** When the oldest entry not yet settled was written; undefined when none waits. */
  oldestUnsettled(): Promise<Date | undefined>;
  /**
   * SES reported a Send for this mail (its EmailTag): the mail is sent, whatever delivery was under way.
   * Returns false when it was settled already.
   */
  settleFromSendEvent(mailId: string, messageId: string, at: Date): Promise<boolean>;
}

/** The system's own suppression list (bounces and complaints reported by SES), by person. */
export interface SuppressionCheck {
  isSuppressed(personId: string): Promise<boolean>;
}

/** Runs a job entry (a fan-out); throws to be retried like an infrastructure failure. */
export type RunOutboxJob = (job: OutboxJob) => Promise<void>;

/** The tag every send carries with the mail's outbox id; SES repeats it in its events about the mail. */
export const mailIdTag = 'mailId';

export interface DeliveryPorts {
  readonly ledger: OutboxLedger;
  readonly mailer: Mailer;
  readonly compose: ComposeMail;
  readonly suppressions: SuppressionCheck;
  readonly runJob: RunOutboxJob;
  readonly clock: Clock;
  /** [0, 1): spreads retries of mails that failed together. Default Math.random. */
  readonly random?: () => number;
}

export type DeliveryOutcome =
  | 'sent'
  | 'resent'
  | 'job-done'
  | 'failed'
  | 'skipped'
  | 'postponed'
  | 'superseded'
  | 'done'
  | 'busy'
  | 'not-due'
  | 'missing'
  | 'unreadable'
  | 'out-of-time';

export interface DeliveryReport {
  readonly outcome: DeliveryOutcome;
  /** For the log: the entry's kind, and why it failed or was postponed (never an address). */
  readonly kind?: string | undefined;
  readonly problems?: readonly string[];
  readonly reason?: string;
  readonly postponedAs?: PostponeReason;
}

/** When the next attempt after `attempt` failed attempts may start: doubling, capped, spread by `random`. */
export const retryDelaySeconds = (attempt: number, random: number): number => {
  const full = Math.min(firstBackoffSeconds * 2 ** Math.max(0, attempt - 1), maximumBackoffSeconds);
  return Math.ceil(full * (0.5 + random / 2));
};

const describe = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);

/**
 * Delivers one outbox entry, and records what happened on it. Never throws for the entry's own sake: every
 * failure becomes an outcome, so the caller goes on with the next entry.
 * 1. No time left before `deadline` for a send → leave it (the sweeper comes back).
 * 2. Claim it; not claimable (done, busy, not due, missing) → report that.
 * 3. A job runs; a mail to a suppressed person is skipped; otherwise it is composed and sent with the
 *    deadline as its abort signal, so no send outlives the claim.
 * 4. The outcome is written for this claim only: sent (or resent), failed, skipped or postponed.
 */
export const deliverOutboxEntry = async (
  ports: DeliveryPorts,
  ref: OutboxRef,
  deadline: Date,
): Promise<DeliveryReport> => {
  const { ledger, clock } = ports;
  if (deadline.getTime() - clock.now().getTime() < minimumSendTimeMs) return { outcome: 'out-of-time' };
  const claimed = await ledger.claim(ref, clock.now());
  if (claimed.outcome === 'unreadable') {
    return { outcome: 'unreadable', kind: claimed.kind, problems: claimed.problems };
  }
  if (claimed.outcome !== 'claimed') return { outcome: claimed.outcome };
  const { claim, entry } = claimed;
  try {
    if (entry.type === 'job') {
      await ports.runJob(entry.job);
      const done = await ledger.complete(claim, clock.now());
      return { outcome: done === 'done' ? 'job-done' : 'superseded', kind: entry.job.kind };
    }
    return { ...(await deliverMail(ports, claim, entry.mail, deadline)), kind: entry.mail.kind };
  } catch (error) {
    const kind = entry.type === 'job' ? entry.job.kind : entry.mail.kind;
    return { ...(await postponeOrGiveUp(ports, claim, error)), kind };
  }
};

const deliverMail = async (
  ports: DeliveryPorts,
  claim: Claim,
  mail: OutboxMail,
  deadline: Date,
): Promise<DeliveryReport> => {
  const { ledger, clock } = ports;
  if (await ports.suppressions.isSuppressed(mail.recipient.personId)) {
    await ledger.skip(claim, clock.now(), 'suppressed');
    return { outcome: 'skipped', reason: 'suppressed' };
  }
  let sent: SentMail;
  try {
    const outgoing = await ports.compose(mail);
    sent = await ports.mailer.send(outgoing, {
      signal: AbortSignal.timeout(sendTimeoutMs(deadline, clock.now())),
      tags: { [mailIdTag]: mail.mailId },
    });
  } catch (error) {
    if (error instanceof MailRejected || error instanceof MailCompositionFailed) {
      const reason = describe(error);
      await ledger.fail(claim, clock.now(), reason);
      return { outcome: 'failed', reason };
    }
    throw error;
  }
  const done = await ledger.complete(claim, clock.now(), sent.messageId);
  if (done === 'superseded') return { outcome: 'superseded' };
  return { outcome: claim.resend ? 'resent' : 'sent' };
};

const postponeOrGiveUp = async (
  ports: DeliveryPorts,
  claim: Claim,
  error: unknown,
): Promise<DeliveryReport> => {
  const { ledger, clock } = ports;
  const now = clock.now();
  const reason = describe(error);
  const as: PostponeReason =
    error instanceof SendingUnavailable
      ? 'account'
      : error instanceof SendOutcomeUnknown
        ? 'in-doubt'
        : 'infrastructure';
  // Account-level trouble is the operator's to fix (its alarm is on the backlog): the mail waits for it.
  const expired = now.getTime() - Date.parse(claim.createdAt) >= retryWindowSeconds * 1000;
  if (as !== 'account' && expired) {
    const gaveUp = `gave up after ${retryWindowSeconds / 3600} h: ${reason}`;
    await ledger.fail(claim, now, gaveUp);
    return { outcome: 'failed', reason: gaveUp };
  }
  const delay = Math.max(
    retryDelaySeconds(claim.attempt, (ports.random ?? Math.random)()),
    as === 'in-doubt' ? sendEventWaitSeconds : 0,
  );
  await ledger.postpone(claim, now, new Date(now.getTime() + delay * 1000), as, reason);
  return { outcome: 'postponed', reason, postponedAs: as };
};
