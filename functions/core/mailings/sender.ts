import type { Clock, Mailer, OutgoingMail } from '../ports';
import { MailCompositionFailed, MailRejected, SendingUnavailable, SendOutcomeUnknown } from './delivery';
import type { StoredMailing } from './drafts';
import {
  allSettled,
  type Mailing,
  type MailingCounts,
  pausedBySystem,
  quotaAvailable,
  quotaExhausted,
} from './mailing';
import {
  massMailRate,
  SendTimetable,
  sendsInFlight,
  type TransactionalSends,
  transactionalRate,
} from './pacing';
import type {
  AudienceSource,
  MailingRecipients,
  RecipientChecks,
  RecipientClaim,
  RecipientVia,
  SenderLease,
  SendingAccount,
  SendingProgress,
  SendingProgressStore,
  UnsettledRecipient,
} from './recipients';
import { type AccountStanding, mailingTag, recipientTag, remainingQuota } from './recipients';

/**
 * The mailing sender (docs/architecture.md, "Sending a mailing"). One sender per SES account and region, held
 * by a lease in the table, sends every mailing that is sending, all from one timetable, so that together they
 * keep to the account's allowance. It keeps nothing that matters in memory: where each mailing stands is in
 * the table, so a sender that dies anywhere — or stops before its function's time limit and hands over — is
 * followed by one that goes on where it stopped.
 *
 * For each mailing that is sending:
 * 1. The audience snapshot: the audience is read a page at a time and one recipient item per distinct person
 *    is written (a person already written is not written again), the cursor saved after each page.
 * 2. Rounds over the unsettled recipients, a page at a time in key order, read ahead of the sends. Each
 *    recipient is claimed (a conditional write with a hold long enough for the send and for SES's Send event
 *    after it), checked just before the send (still subscribed, registered, not opted out, not suppressed),
 *    composed with their own links, and sent at its slot of the timetable with EmailTags naming the mailing
 *    and the recipient; then the outcome is written for that claim.
 * 3. A recipient whose sender died during the send is in doubt: nobody sends it again until its hold is over,
 *    by when SES's Send event (tagged with mailing and recipient) has settled it if SES accepted the mail.
 * 4. When a round ends with nothing left unsettled, the ledger is recounted and the mailing is sent.
 *
 * Transactional mail goes first: what it sent beyond its reserve moves the timetable on (pacing.ts).
 * Throttling is put back into the timetable (no retry by the SDK); a transient failure is retried a few
 * times, then failed (retry-failed takes it again); a permanent rejection fails the recipient alone; a paused
 * or suspended account pauses the mailings and fails nobody; the day's quota makes a mailing wait.
 */

export interface SenderSettings {
  /** This sender's id in the lease. */
  readonly owner: string;
  /** How long the lease lasts; renewed every third of it. */
  readonly leaseMs: number;
  /** How long a recipient's claim protects its send (sends are aborted well before). */
  readonly claimMs: number;
  /**
   * After a claim ends without an outcome, how long nobody sends to that recipient, so that SES's Send event
   * settles the mail if SES accepted it. 0 switches the reconciliation off (a test's negative control).
   */
  readonly sendEventWaitMs: number;
  /** The sender stops taking new sends this long before its deadline, and hands over. */
  readonly handOverMs: number;
  /** Share of SES's MaxSendRate kept for transactional mail. Default 0.1. */
  readonly reserve?: number;
  /** A configured rate instead of SES's (mails per second). */
  readonly rateOverride?: number;
  /** Recipients per page read. Default 50. */
  readonly pageSize?: number;
  /** Audience members per snapshot page. Default 100. */
  readonly snapshotPageSize?: number;
  /** Transient failures of one recipient before it is failed (until retry-failed). Default 3. */
  readonly maxTransientFailures?: number;
  /** The mailing pauses when its complaints reach this many… Default 3. */
  readonly complaintMinimum?: number;
  /** …and exceed this share of its deliveries. Default 0.001. */
  readonly complaintShare?: number;
  /** How often the sender looks at the mailings, the account and its lease. Default 500 ms. */
  readonly superviseEveryMs?: number;
  /** How long the sender waits for work when none is due, before it stops. Default 0: stop at once. */
  readonly idleMs?: number;
}

export type ComposeRecipientMail = (
  stored: StoredMailing,
  recipient: {
    readonly personId: string;
    readonly address: string;
    readonly name?: string;
    readonly via: RecipientVia;
  },
) => OutgoingMail;

export interface SenderPorts {
  readonly mailings: {
    get(mailingId: string): Promise<StoredMailing | undefined>;
    /** Conditional on the version and status `previous` had (StaleMailing otherwise). */
    replace(previous: Mailing, next: StoredMailing): Promise<void>;
    /** The ids of the mailings that are sending or waiting for quota. */
    active(): Promise<readonly string[]>;
  };
  readonly recipients: MailingRecipients;
  readonly audience: AudienceSource;
  readonly checks: RecipientChecks;
  readonly progress: SendingProgressStore;
  readonly lease: SenderLease;
  readonly account: SendingAccount;
  /** Transactional mail sent meanwhile: what it takes beyond its reserve, mailings give way to. */
  readonly transactional: Pick<TransactionalSends, 'perSecond'>;
  readonly mailer: Mailer;
  readonly compose: ComposeRecipientMail;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
}

export type SenderOutcome = 'lease-held' | 'idle' | 'handed-over' | 'lease-lost';

export interface SenderReport {
  readonly outcome: SenderOutcome;
  /** Sends SES accepted in this run. */
  readonly sent: number;
  readonly finished: readonly string[];
  /** The last few failures outside a send's outcome (the run went on after each). */
  readonly errors?: readonly string[];
}

/** A send is aborted well within its claim (25 s of a 30 s claim), leaving time to record its outcome. */
const sendTimeoutMs = (claimMs: number): number => Math.max(1_000, Math.min(claimMs - 5_000, claimMs * 0.8));
/**
 * How long nothing starts after the account throttled a send: a few slots, not a second — at 90% of the rate a
 * refusal means sends arrived bunched (jitter), and a second's pause would cost a second's sends each time.
 */
const throttleBackoffMs = 250;
/** A transient failure is retried after 5 s, 20 s, 80 s… */
const retryDelayMs = (failures: number): number => 5_000 * 4 ** Math.max(0, failures - 1);
/** The account's standing is read again this often. */
const accountEveryMs = 30_000;
/** The tallies since the last report are written this often. */
const reportEveryMs = 1_000;

const emptyTallies = (): Tallies => ({ sent: 0, skipped: 0, failed: 0 });
type Tallies = { sent: number; skipped: number; failed: number };

/** One mailing the sender works on: its snapshot, its current round over the ledger, what it did. */
class MailingRun {
  stored: StoredMailing;
  progress: SendingProgress | undefined;
  /** Recipients read and due, waiting for a worker. */
  readonly buffer: UnsettledRecipient[] = [];
  cursor: string | undefined;
  roundEnded = false;
  /** Recipients seen this round that are still unsettled after it (not due, in doubt, retried later). */
  left = 0;
  nextDueMs = Number.POSITIVE_INFINITY;
  reading: Promise<void> | undefined;
  /** The last look found it sending, its snapshot done and nothing holding it up: workers may take from it. */
  cleared = false;
  inFlight = 0;
  stopped = false;
  tallies: Tallies = emptyTallies();

  constructor(stored: StoredMailing) {
    this.stored = stored;
  }

  get id(): string {
    return this.stored.mailing.mailingId;
  }
}

/**
 * Runs the sender until its deadline (less the hand-over margin), until nothing is left to send, or until it
 * loses its lease. Returns without doing anything when another sender holds the lease.
 */
export const runSender = async (
  ports: SenderPorts,
  settings: SenderSettings,
  deadline: Date,
): Promise<SenderReport> => {
  const now = ports.clock.now();
  if (!(await ports.lease.acquire(settings.owner, now, new Date(now.getTime() + settings.leaseMs)))) {
    return { outcome: 'lease-held', sent: 0, finished: [] };
  }
  const sender = new Sender(ports, settings, deadline);
  try {
    const outcome = await sender.run();
    return { outcome, sent: sender.sentCount, finished: sender.finished, errors: sender.errors };
  } finally {
    if (!sender.leaseLost) await ports.lease.release(settings.owner);
  }
};

class Sender {
  readonly runs = new Map<string, MailingRun>();
  readonly finished: string[] = [];
  /** Failures outside a send's outcome, for the log (never an address: SDK errors name none). */
  readonly errors: string[] = [];
  sentCount = 0;
  leaseLost = false;
  #stopping = false;
  #timetable: SendTimetable | undefined;
  /** Transactional mails a second the reserve leaves room for. */
  #transactionalRate = 0;
  /** The transactional sends of the seconds before this one (epoch seconds) are accounted for. */
  #transactionalReadUntil: number | undefined;
  #account: AccountStanding | undefined;
  #accountReadAt = 0;
  #leaseRenewedAt: number;
  #reportedAt = 0;
  #turn = 0;
  #workers: Promise<void>[] = [];
  #idleSince: number | undefined;

  constructor(
    private readonly ports: SenderPorts,
    private readonly settings: SenderSettings,
    private readonly deadline: Date,
  ) {
    this.#leaseRenewedAt = ports.clock.now().getTime();
  }

  private nowMs(): number {
    return this.ports.clock.now().getTime();
  }

  async run(): Promise<SenderOutcome> {
    let outcome: SenderOutcome | undefined;
    try {
      while (outcome === undefined) {
        outcome = await this.supervise();
        if (outcome === undefined) await this.ports.sleep(this.settings.superviseEveryMs ?? 500);
      }
    } finally {
      this.#stopping = true;
      await Promise.allSettled(this.#workers);
      await this.report(true);
    }
    return outcome;
  }

  /** One look at everything: the lease, the account, each mailing's status, snapshot, round and end. */
  private async supervise(): Promise<SenderOutcome | undefined> {
    const now = this.nowMs();
    if (this.deadline.getTime() - now < this.settings.handOverMs) return 'handed-over';
    if (now - this.#leaseRenewedAt >= this.settings.leaseMs / 3) {
      if (!(await this.ports.lease.renew(this.settings.owner, new Date(now + this.settings.leaseMs)))) {
        this.leaseLost = true;
        return 'lease-lost';
      }
      this.#leaseRenewedAt = now;
    }
    const account = await this.account(now);
    await this.giveWayToTransactional(now);
    const active = new Set(await this.ports.mailings.active());
    for (const [id, run] of this.runs) if (!active.has(id)) this.drop(run);
    for (const id of active) await this.superviseMailing(id, account);
    await this.report(false);
    // Mailings waiting for quota need no sender meanwhile: the next start looks again.
    const working = [...this.runs.values()].some(
      (run) => !run.stopped && run.stored.mailing.status === 'sending',
    );
    if (!working) {
      this.#idleSince ??= now;
      if (now - this.#idleSince >= (this.settings.idleMs ?? 0)) return 'idle';
    } else {
      this.#idleSince = undefined;
      this.startWorkers();
    }
    return undefined;
  }

  private async account(now: number): Promise<AccountStanding> {
    if (!this.#account || now - this.#accountReadAt >= accountEveryMs) {
      this.#account = await this.ports.account.standing();
      this.#accountReadAt = now;
      const allowance = {
        maxSendRate: this.#account.maxSendRate,
        ...(this.settings.reserve !== undefined ? { reserve: this.settings.reserve } : {}),
        ...(this.settings.rateOverride !== undefined ? { override: this.settings.rateOverride } : {}),
      };
      const rate = massMailRate(allowance);
      this.#transactionalRate = transactionalRate(allowance);
      if (this.#timetable?.ratePerSecond !== rate) this.#timetable = new SendTimetable(rate, now);
    }
    return this.#account;
  }

  /**
   * Transactional mail of the seconds since the last look: what it took beyond its reserve in each second,
   * the timetable gives up (it went first; a newsletter can wait a moment, a confirmation should not). A
   * second is read once it has been over for a second, so a count written late in it is not missed.
   */
  private async giveWayToTransactional(now: number): Promise<void> {
    const until = Math.floor(now / 1000) - 1;
    // The first look starts the count: what was sent before it took nothing from this sender's timetable.
    this.#transactionalReadUntil ??= until;
    const from = this.#transactionalReadUntil;
    if (from >= until) return;
    const counts = await this.ports.transactional.perSecond(from, until);
    this.#transactionalReadUntil = until;
    const beyond = counts.reduce((sum, sends) => sum + Math.max(0, sends - this.#transactionalRate), 0);
    this.#timetable?.giveWay(beyond, now);
  }

  private get rate(): number {
    return this.#timetable?.ratePerSecond ?? 1;
  }

  /** Stops sending a mailing; its sends in flight finish, and the next report forgets it. */
  private drop(run: MailingRun): void {
    run.stopped = true;
    run.buffer.length = 0;
  }

  private async superviseMailing(mailingId: string, account: AccountStanding): Promise<void> {
    const stored = await this.ports.mailings.get(mailingId);
    const existing = this.runs.get(mailingId);
    if (!stored || (stored.mailing.status !== 'sending' && stored.mailing.status !== 'waiting-for-quota')) {
      if (existing) this.drop(existing);
      return;
    }
    const run = existing && !existing.stopped ? existing : new MailingRun(stored);
    if (run !== existing) this.runs.set(mailingId, run);
    run.stored = stored;
    run.progress = await this.ports.progress.get(mailingId);
    const mailing = stored.mailing;
    const now = this.ports.clock.now();
    if (!account.sendingEnabled || !account.productionAccessEnabled) {
      if (mailing.status === 'sending') await this.move(run, pausedBySystem(mailing, 'account', now));
      return;
    }
    run.cleared = false;
    if (!run.progress?.snapshot.done) {
      // Pages for up to two seconds, then the other mailings and the lease get their look.
      const until = this.nowMs() + 2_000;
      while (!run.progress?.snapshot.done && this.nowMs() < until) {
        await this.snapshotPage(run);
        run.progress = await this.ports.progress.get(mailingId);
      }
      if (!run.progress?.snapshot.done) return;
    }
    const { deliveries, complaints, complaintsAcknowledged } = run.progress;
    if (
      mailing.status === 'sending' &&
      complaints - complaintsAcknowledged >= (this.settings.complaintMinimum ?? 3) &&
      complaints > deliveries * (this.settings.complaintShare ?? 0.001)
    ) {
      await this.move(run, pausedBySystem(mailing, 'complaints', now));
      return;
    }
    const counts = run.progress.counts;
    const unsettled = counts.audience - counts.sent - counts.skipped - counts.failed;
    const remaining = remainingQuota(account);
    // Nothing left today, or the rest would fit in a later day's quota but not in today's: wait. (The rest
    // of an audience larger than a whole day's quota goes as the quota allows, day by day.)
    const mustWait = remaining <= 0 || (unsettled > remaining && unsettled <= account.max24HourSend);
    if (mailing.status === 'waiting-for-quota') {
      if (!mustWait) await this.move(run, quotaAvailable(mailing, now));
      return;
    }
    if (mustWait) {
      await this.move(run, quotaExhausted(mailing, now));
      return;
    }
    // Sending, snapshot done, no complaint pause, quota enough: the workers may take its recipients.
    run.cleared = true;
    await this.endOfRound(run);
  }

  /** Writes a status the sender decided; a concurrent change by an organiser wins (the next look sees it). */
  private async move(run: MailingRun, next: Mailing): Promise<void> {
    try {
      await this.ports.mailings.replace(run.stored.mailing, { ...run.stored, mailing: next });
      run.stored = { ...run.stored, mailing: next };
    } catch (error) {
      if (!(error instanceof Error && error.name === 'StaleMailing')) throw error;
    }
    if (next.status !== 'sending') this.drop(run);
  }

  private async snapshotPage(run: MailingRun): Promise<void> {
    const cursor = run.progress?.snapshot.cursor;
    const page = await this.ports.audience.page(
      run.stored.mailing.audience,
      cursor,
      this.settings.snapshotPageSize ?? 100,
    );
    const now = this.ports.clock.now();
    const added = await this.ports.recipients.add(run.id, page.members, now);
    if (page.next) {
      await this.ports.progress.snapshotPage(run.id, added, page.next, now);
      return;
    }
    // The last page: the audience is what the ledger holds (a page written twice before a crash counts once).
    await this.ports.progress.snapshotPage(run.id, added, undefined, now);
    const counts = await this.ports.recipients.recount(run.id);
    await this.ports.progress.setCounts(run.id, counts, now, false);
  }

  /** A round that ended: finish the mailing when nothing is unsettled, or start the next round when due. */
  private async endOfRound(run: MailingRun): Promise<void> {
    if (!run.roundEnded || run.buffer.length > 0 || run.inFlight > 0 || run.reading) return;
    const now = this.nowMs();
    if (run.left === 0) {
      const counts = await this.ports.recipients.recount(run.id);
      if (counts.inDoubt === 0 && counts.audience === counts.sent + counts.skipped + counts.failed) {
        await this.report(true);
        await this.ports.progress.setCounts(run.id, counts, this.ports.clock.now(), true);
        await this.move(run, allSettled(run.stored.mailing, this.ports.clock.now()));
        this.finished.push(run.id);
        return;
      }
    } else if (now < run.nextDueMs) {
      return;
    }
    run.cursor = undefined;
    run.roundEnded = false;
    run.left = 0;
    run.nextDueMs = Number.POSITIVE_INFINITY;
  }

  private startWorkers(): void {
    const wanted = Math.min(100, sendsInFlight(this.rate, 250));
    while (this.#workers.length < wanted) this.#workers.push(this.work());
  }

  /** A worker: takes the next due recipient of any mailing, in turn, and sends to it at its slot. */
  private async work(): Promise<void> {
    while (!this.#stopping) {
      const next = await this.nextRecipient();
      if (!next) {
        await this.ports.sleep(100);
        continue;
      }
      const [run, recipient] = next;
      run.inFlight += 1;
      try {
        await this.deliver(run, recipient);
      } catch (error) {
        // The table or SES failed outside a send's own outcome (a throttled claim, a timeout): the recipient
        // stays as it was — pending, or claimed until its hold ends — and the worker goes on after a pause.
        this.errors.push(describe(error));
        if (this.errors.length > 10) this.errors.shift();
        await this.ports.sleep(1_000);
      } finally {
        run.inFlight -= 1;
      }
    }
  }

  private async nextRecipient(): Promise<[MailingRun, UnsettledRecipient] | undefined> {
    for (;;) {
      if (this.#stopping) return undefined;
      const runs = [...this.runs.values()].filter(
        (run) => !run.stopped && run.cleared && run.stored.mailing.status === 'sending',
      );
      const readings: Promise<void>[] = [];
      for (let i = 0; i < runs.length; i++) {
        const run = runs[(this.#turn + i) % runs.length] as MailingRun;
        this.readAhead(run);
        const recipient = run.buffer.shift();
        if (recipient) {
          this.#turn = (this.#turn + i + 1) % runs.length;
          return [run, recipient];
        }
        if (run.reading) readings.push(run.reading);
      }
      if (readings.length === 0) return undefined;
      await Promise.race(readings);
    }
  }

  /** Keeps about a page read ahead of the workers. */
  private readAhead(run: MailingRun): void {
    const pageSize = this.settings.pageSize ?? 50;
    if (run.reading || run.roundEnded || run.buffer.length >= pageSize) return;
    run.reading = (async () => {
      const page = await this.ports.recipients.unsettled(run.id, run.cursor, pageSize);
      const now = this.nowMs();
      for (const recipient of page.recipients) {
        const dueMs = Date.parse(recipient.dueAt);
        if (dueMs > now) this.later(run, dueMs);
        else run.buffer.push(recipient);
      }
      run.cursor = page.next;
      if (!page.next) run.roundEnded = true;
    })().finally(() => {
      run.reading = undefined;
    });
  }

  /** A recipient stays unsettled past this round, due at `dueMs`. */
  private later(run: MailingRun, dueMs: number): void {
    run.left += 1;
    run.nextDueMs = Math.min(run.nextDueMs, dueMs);
  }

  private async deliver(run: MailingRun, recipient: UnsettledRecipient): Promise<void> {
    const { ports, settings } = this;
    if (run.stopped) return;
    const now = ports.clock.now();
    const holdUntil = new Date(now.getTime() + settings.claimMs + settings.sendEventWaitMs);
    const claimed = await ports.recipients.claim(run.id, recipient.personId, now, holdUntil);
    if (claimed.outcome !== 'claimed') return;
    const { claim } = claimed;
    const standing = await ports.checks.standing(run.stored.mailing.audience, recipient);
    if (!standing.send) {
      await ports.recipients.skipped(claim, ports.clock.now(), standing.reason);
      run.tallies.skipped += 1;
      return;
    }
    let mail: OutgoingMail;
    try {
      mail = ports.compose(run.stored, {
        personId: recipient.personId,
        address: standing.address,
        via: standing.via,
        ...(standing.name ? { name: standing.name } : {}),
      });
    } catch (error) {
      await this.fail(run, claim, 'permanent', new MailCompositionFailed(describe(error)));
      return;
    }
    const timetable = this.#timetable as SendTimetable;
    const slot = timetable.take(this.nowMs());
    const wait = slot - this.nowMs();
    if (wait > 0) await ports.sleep(wait);
    // A timer per send, cleared when it ends: AbortSignal.timeout would keep each one alive for its full time.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), sendTimeoutMs(settings.claimMs));
    try {
      const sent = await ports.mailer
        .send(mail, {
          signal: abort.signal,
          tags: { [mailingTag]: run.id, [recipientTag]: recipient.personId },
        })
        .finally(() => clearTimeout(timer));
      this.sentCount += 1;
      run.tallies.sent += 1;
      await ports.recipients.sent(claim, ports.clock.now(), sent.messageId);
    } catch (error) {
      await this.sendFailed(run, claim, recipient, error);
    }
  }

  private async sendFailed(
    run: MailingRun,
    claim: RecipientClaim,
    recipient: UnsettledRecipient,
    error: unknown,
  ): Promise<void> {
    const { ports } = this;
    const now = ports.clock.now();
    if (error instanceof MailRejected) {
      await this.fail(run, claim, 'permanent', error);
      return;
    }
    if (error instanceof SendOutcomeUnknown) {
      // In doubt: the claim holds until SES's Send event had time to settle it; the next round looks again.
      this.later(run, now.getTime() + this.settings.claimMs + this.settings.sendEventWaitMs);
      return;
    }
    if (error instanceof SendingUnavailable) {
      await ports.recipients.retryAt(claim, now, now, false);
      if (error.account === 'throttled') {
        (this.#timetable as SendTimetable).throttled(now.getTime(), throttleBackoffMs);
        run.buffer.unshift({ ...recipient, state: 'pending', dueAt: now.toISOString() });
      } else {
        // Paused, suspended or out of quota: the next look reads the account and moves the mailings.
        this.later(run, now.getTime());
        this.#accountReadAt = 0;
        if (error.account === 'quota' && run.stored.mailing.status === 'sending') {
          await this.move(run, quotaExhausted(run.stored.mailing, now));
        }
      }
      return;
    }
    const failures = claim.failures + 1;
    if (failures >= (this.settings.maxTransientFailures ?? 3)) {
      await this.fail(run, claim, 'transient', error);
      return;
    }
    const at = new Date(now.getTime() + retryDelayMs(failures));
    await ports.recipients.retryAt(claim, now, at, true);
    this.later(run, at.getTime());
  }

  private async fail(
    run: MailingRun,
    claim: RecipientClaim,
    kind: 'permanent' | 'transient',
    error: unknown,
  ): Promise<void> {
    await this.ports.recipients.failed(claim, this.ports.clock.now(), kind, describe(error));
    run.tallies.failed += 1;
  }

  /** Writes each mailing's tallies since the last report, and the rate (at most every second unless forced). */
  private async report(force: boolean): Promise<void> {
    const now = this.nowMs();
    if (!force && now - this.#reportedAt < reportEveryMs) return;
    this.#reportedAt = now;
    for (const run of [...this.runs.values()]) {
      const tallies: Partial<MailingCounts> = run.tallies;
      run.tallies = emptyTallies();
      if (tallies.sent || tallies.skipped || tallies.failed || !run.stopped) {
        await this.ports.progress.report(run.id, tallies, this.rate, this.ports.clock.now());
      }
      if (run.stopped && run.inFlight === 0) this.runs.delete(run.id);
    }
  }
}

const describe = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);
