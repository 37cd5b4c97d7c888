import {
  type Claim,
  type ClaimResult,
  deliveryLeaseSeconds,
  type OutboxLedger,
  type OutboxRef,
  type PostponeReason,
  sendEventWaitSeconds,
} from '../../functions/core/mailings/delivery';
import type { OutboxEntry } from '../../functions/core/mailings/outbox';
import type {
  Deliverability,
  FeedbackChange,
  SuppressionList,
  SuppressionReason,
} from '../../functions/core/mailings/suppression';
import {
  type Clock,
  ConcurrentChange,
  type Mailer,
  type OutgoingMail,
  type SendOptions,
  type SentMail,
} from '../../functions/core/ports';

/** A clock the test moves by hand. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** A Mailer that keeps what it was asked to send, and the options it was given. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  readonly options: SendOptions[] = [];
  async send(mail: OutgoingMail, options: SendOptions = {}): Promise<SentMail> {
    this.sent.push(mail);
    this.options.push(options);
    return { messageId: `test-${this.sent.length}` };
  }
}

interface LedgerRecord {
  entry: OutboxEntry;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'done';
  dueAt: number;
  attempts: number;
  resends: number;
  claimId?: string;
  messageId?: string;
  failure?: string;
  lastError?: { reason: PostponeReason; detail: string };
  settledBy?: string;
}

/** The outbox ledger's rules over a map: claims with a lease and a Send-event wait, outcomes per claim. */
export class InMemoryOutboxLedger implements OutboxLedger {
  readonly records = new Map<string, LedgerRecord>();
  #claims = 0;

  /** Writes an entry as the transaction of a state change does: pending, due at once. */
  add(entry: OutboxEntry): OutboxRef {
    const ref: OutboxRef =
      entry.type === 'mail' ? { id: entry.mail.mailId, type: 'mail' } : { id: entry.outboxId, type: 'job' };
    const createdAt = entry.type === 'mail' ? entry.mail.createdAt : entry.createdAt;
    this.records.set(`${ref.type}:${ref.id}`, {
      entry,
      state: 'pending',
      dueAt: Date.parse(createdAt),
      attempts: 0,
      resends: 0,
    });
    return ref;
  }

  get(ref: OutboxRef): LedgerRecord | undefined {
    return this.records.get(`${ref.type}:${ref.id}`);
  }

  async claim(ref: OutboxRef, now: Date): Promise<ClaimResult> {
    const record = this.get(ref);
    if (!record) return { outcome: 'missing' };
    if (record.state !== 'pending' && record.state !== 'sending') return { outcome: 'done' };
    if (record.dueAt > now.getTime()) return { outcome: record.state === 'sending' ? 'busy' : 'not-due' };
    const resend = record.state === 'sending';
    this.#claims += 1;
    record.claimId = `claim-${this.#claims}`;
    record.state = 'sending';
    record.attempts += 1;
    record.dueAt = now.getTime() + (deliveryLeaseSeconds + sendEventWaitSeconds) * 1000;
    const { entry } = record;
    const createdAt = entry.type === 'mail' ? entry.mail.createdAt : entry.createdAt;
    return {
      outcome: 'claimed',
      claim: { ref, claimId: record.claimId, attempt: record.attempts, resend, createdAt },
      entry,
    };
  }

  #current(claim: Claim): LedgerRecord | undefined {
    const record = this.get(claim.ref);
    return record?.claimId === claim.claimId ? record : undefined;
  }

  async complete(claim: Claim, _now: Date, messageId?: string): Promise<'done' | 'superseded'> {
    const record = this.#current(claim);
    if (!record) {
      const settled = this.get(claim.ref);
      return settled?.state === 'sent' && settled.messageId === messageId ? 'done' : 'superseded';
    }
    record.state = messageId ? 'sent' : 'done';
    if (messageId) record.messageId = messageId;
    if (claim.resend) record.resends += 1;
    delete record.claimId;
    return 'done';
  }

  async fail(claim: Claim, _now: Date, reason: string): Promise<void> {
    const record = this.#current(claim);
    if (!record) return;
    record.state = 'failed';
    record.failure = reason;
    delete record.claimId;
  }

  async skip(claim: Claim): Promise<void> {
    const record = this.#current(claim);
    if (!record) return;
    record.state = 'skipped';
    delete record.claimId;
  }

  async postpone(
    claim: Claim,
    _now: Date,
    until: Date,
    reason: PostponeReason,
    detail: string,
  ): Promise<void> {
    const record = this.#current(claim);
    if (!record) return;
    record.state = 'pending';
    record.dueAt = until.getTime();
    record.lastError = { reason, detail };
    delete record.claimId;
  }

  async due(now: Date, limit: number): Promise<readonly OutboxRef[]> {
    return [...this.records.entries()]
      .filter(
        ([, record]) =>
          (record.state === 'pending' || record.state === 'sending') && record.dueAt <= now.getTime(),
      )
      .slice(0, limit)
      .map(([key]) => {
        const [type, ...id] = key.split(':');
        return { type: type as OutboxRef['type'], id: id.join(':') };
      });
  }

  async oldestUnsettled(): Promise<Date | undefined> {
    const ages = [...this.records.values()]
      .filter((record) => record.state === 'pending' || record.state === 'sending')
      .map((record) =>
        Date.parse(record.entry.type === 'mail' ? record.entry.mail.createdAt : record.entry.createdAt),
      );
    return ages.length ? new Date(Math.min(...ages)) : undefined;
  }

  async settleFromSendEvent(mailId: string, messageId: string): Promise<boolean> {
    const record = this.get({ id: mailId, type: 'mail' });
    if (!record || (record.state !== 'pending' && record.state !== 'sending')) return false;
    record.state = 'sent';
    record.messageId = messageId;
    record.settledBy = 'ses-send-event';
    delete record.claimId;
    return true;
  }
}

/** The suppression list's rules over maps, with the Dynamo adapter's idempotency per feedback id. */
export class InMemorySuppressionList implements SuppressionList {
  readonly suppressed = new Map<string, SuppressionReason>();
  readonly soft = new Map<string, { count: number; version: number }>();
  readonly applied = new Set<string>();

  async isSuppressed(personId: string): Promise<boolean> {
    return this.suppressed.has(personId);
  }

  async deliverability(personId: string): Promise<Deliverability> {
    const soft = this.soft.get(personId);
    return {
      suppressed: this.suppressed.has(personId),
      softBounces: soft?.count ?? 0,
      version: soft?.version ?? 0,
    };
  }

  async apply(change: FeedbackChange): Promise<'applied' | 'duplicate'> {
    const marker = `${change.personId}:${change.feedbackId}`;
    if (this.applied.has(marker)) return 'duplicate';
    if (
      change.softBounces &&
      (this.soft.get(change.personId)?.version ?? 0) !== change.softBounces.previousVersion
    ) {
      throw new ConcurrentChange();
    }
    this.applied.add(marker);
    if (change.softBounces) {
      this.soft.set(change.personId, {
        count: change.softBounces.count,
        version: change.softBounces.previousVersion + 1,
      });
    }
    if (change.suppress) this.suppressed.set(change.personId, change.suppress);
    return 'applied';
  }
}
