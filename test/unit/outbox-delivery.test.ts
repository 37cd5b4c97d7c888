import { describe, expect, it } from 'vitest';
import {
  type ComposeMail,
  DeliveryBusy,
  deliverOutboxMail,
  deliveryLeaseSeconds,
  type OutboxMail,
} from '../../functions/core/mailings/outbox';
import { FixedClock, InMemorySendLedger, RecordingMailer } from '../support/in-memory-ports';

const mail: OutboxMail = {
  mailId: 'mail-0001',
  kind: 'subscription-welcome',
  recipient: { personId: 'person-7f3a', address: 'lotte.vermeer@example.org', name: 'Lotte Vermeer' },
  data: {},
  createdAt: '2027-03-28T00:30:00Z',
};

const composeSimply: ComposeMail = async (outboxMail) => ({
  to: { address: outboxMail.recipient.address },
  subject: `Mail ${outboxMail.mailId}`,
  html: '<p>Welkom</p>',
  text: 'Welkom',
});

const setUp = (compose: ComposeMail = composeSimply) => {
  const ledger = new InMemorySendLedger();
  const mailer = new RecordingMailer();
  const clock = new FixedClock(new Date('2027-03-28T00:30:05Z'));
  return { ledger, mailer, clock, ports: { ledger, mailer, clock, compose } };
};

/** Lets the microtasks of a started delivery run (its claim), without letting it finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('delivering an outbox mail', () => {
  it('sends it once and records it as sent', async () => {
    const { ports, mailer, ledger } = setUp();

    const outcome = await deliverOutboxMail(ports, mail);

    expect(outcome).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to.address).toBe('lotte.vermeer@example.org');
    expect(ledger.records.get(mail.mailId)).toMatchObject({ state: 'sent', messageId: 'test-1' });
  });

  it('sends nothing when the mail went out already (a repeated stream record)', async () => {
    const { ports, mailer } = setUp();
    await deliverOutboxMail(ports, mail);

    const outcome = await deliverOutboxMail(ports, mail);

    expect(outcome).toBe('already-sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('refuses with DeliveryBusy while another delivery holds a live claim, and sends nothing', async () => {
    const { ports, mailer, ledger, clock } = setUp();
    await ledger.claim(mail.mailId, clock.now(), deliveryLeaseSeconds);
    clock.advance(deliveryLeaseSeconds - 1);

    await expect(deliverOutboxMail(ports, mail)).rejects.toBeInstanceOf(DeliveryBusy);

    expect(mailer.sent).toEqual([]);
  });

  it('after a consumer died between its claim and the send, sends exactly one mail once the lease is over', async () => {
    let calls = 0;
    // The first delivery's process dies while composing: its promise never settles, its claim stays.
    const composeDyingOnce: ComposeMail = (outboxMail) => {
      calls += 1;
      return calls === 1 ? new Promise(() => {}) : composeSimply(outboxMail);
    };
    const { ports, mailer, clock } = setUp(composeDyingOnce);
    void deliverOutboxMail(ports, mail);
    await settle();

    await expect(deliverOutboxMail(ports, mail)).rejects.toBeInstanceOf(DeliveryBusy);
    clock.advance(deliveryLeaseSeconds + 1);
    const outcome = await deliverOutboxMail(ports, mail);

    expect(outcome).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('after composing threw, releases the claim: the retry sends at once, and exactly one mail', async () => {
    let calls = 0;
    const composeFailingOnce: ComposeMail = async (outboxMail) => {
      calls += 1;
      if (calls === 1) throw new Error('secret not available yet');
      return composeSimply(outboxMail);
    };
    const { ports, mailer, clock } = setUp(composeFailingOnce);

    await expect(deliverOutboxMail(ports, mail)).rejects.toThrow('secret not available yet');
    expect(mailer.sent).toEqual([]);
    const retry = await deliverOutboxMail(ports, mail);
    clock.advance(deliveryLeaseSeconds + 1);
    const later = await deliverOutboxMail(ports, mail);

    expect([retry, later]).toEqual(['sent', 'already-sent']);
    expect(mailer.sent).toHaveLength(1);
  });

  it('a stale release (after the lease ran out and another delivery claimed) leaves the new claim alone', async () => {
    const { ledger, clock } = setUp();
    const firstClaimAt = clock.now();
    await ledger.claim(mail.mailId, firstClaimAt, deliveryLeaseSeconds);
    clock.advance(deliveryLeaseSeconds + 1);
    expect(await ledger.claim(mail.mailId, clock.now(), deliveryLeaseSeconds)).toBe('claimed');

    await ledger.release(mail.mailId, firstClaimAt, deliveryLeaseSeconds);

    expect(await ledger.claim(mail.mailId, clock.now(), deliveryLeaseSeconds)).toBe('busy');
  });

  it('negative control: without the ledger, delivering the same mail twice sends two mails', async () => {
    const { mailer } = setUp();
    const sendDirectly = async (outboxMail: OutboxMail) => mailer.send(await composeSimply(outboxMail));

    await sendDirectly(mail);
    await sendDirectly(mail);

    expect(mailer.sent).toHaveLength(2);
  });
});
