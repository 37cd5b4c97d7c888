import type { LedgerClaim, SendLedger } from '../../functions/core/mailings/outbox';
import type { Clock, Mailer, OutgoingMail, SentMail } from '../../functions/core/ports';

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

/** A Mailer that keeps what it was asked to send. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail): Promise<SentMail> {
    this.sent.push(mail);
    return { messageId: `test-${this.sent.length}` };
  }
}

/** The send ledger's rules over a map, with the Dynamo adapter's whole-second leases. */
export class InMemorySendLedger implements SendLedger {
  readonly records = new Map<
    string,
    { state: 'sending' | 'sent'; leaseUntil: number; attempts: number; messageId?: string }
  >();

  async claim(mailId: string, now: Date, leaseSeconds: number): Promise<LedgerClaim> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const record = this.records.get(mailId);
    if (record?.state === 'sent') return 'sent';
    if (record && record.leaseUntil >= nowSeconds) return 'busy';
    this.records.set(mailId, {
      state: 'sending',
      leaseUntil: nowSeconds + leaseSeconds,
      attempts: (record?.attempts ?? 0) + 1,
    });
    return 'claimed';
  }

  async markSent(mailId: string, messageId: string): Promise<void> {
    const record = this.records.get(mailId);
    if (record?.state !== 'sending') throw new Error(`Mail ${mailId} is not being sent`);
    this.records.set(mailId, { ...record, state: 'sent', messageId });
  }

  async release(mailId: string, claimedAt: Date, leaseSeconds: number): Promise<void> {
    const record = this.records.get(mailId);
    const leaseUntil = Math.floor(claimedAt.getTime() / 1000) + leaseSeconds;
    if (record?.state === 'sending' && record.leaseUntil === leaseUntil) {
      this.records.set(mailId, { ...record, leaseUntil: 0 });
    }
  }
}
