import { describe, expect, it, vi } from 'vitest';
import {
  type DeliveryPorts,
  deliverOutboxEntry,
  deliveryLeaseMarginSeconds,
  deliveryLeaseSeconds,
  MailCompositionFailed,
  MailRejected,
  maximumBackoffSeconds,
  retryDelaySeconds,
  retryWindowSeconds,
  SendingUnavailable,
  SendOutcomeUnknown,
  sendEventWaitSeconds,
  sendTimeoutMs,
} from '../../functions/core/mailings/delivery';
import type { OutboxEntry, OutboxJob, OutboxMail } from '../../functions/core/mailings/outbox';
import type { Mailer, OutgoingMail } from '../../functions/core/ports';
import { type LambdaEntry, lambdaEntries } from '../../functions/entries';
import {
  FixedClock,
  InMemoryOutboxLedger,
  InMemorySuppressionList,
  RecordingMailer,
} from '../support/in-memory-ports';

const start = new Date('2027-03-28T00:30:00.000Z');

const mailEntry = (id = 'mail-1', personId = 'person-1'): OutboxEntry => ({
  type: 'mail',
  mail: {
    mailId: id,
    kind: 'subscription-welcome',
    recipient: { personId, address: `${personId}@example.org`, name: 'Sanne' },
    data: {},
    createdAt: start.toISOString(),
  },
});

const composed = (mail: OutboxMail): OutgoingMail => ({
  to: { address: mail.recipient.address },
  subject: `Mail ${mail.mailId}`,
  html: '<p>Hallo</p>',
  text: 'Hallo',
});

/** A mailer that throws the given error for every send. */
const failingMailer = (error: Error): Mailer & { calls: number } => ({
  calls: 0,
  async send() {
    this.calls += 1;
    throw error;
  },
});

const setUp = (overrides: Partial<DeliveryPorts> = {}) => {
  const clock = new FixedClock(start);
  const ledger = new InMemoryOutboxLedger();
  const mailer = new RecordingMailer();
  const suppressions = new InMemorySuppressionList();
  const jobs: OutboxJob[] = [];
  const ports: DeliveryPorts = {
    ledger,
    mailer,
    compose: async (mail) => composed(mail),
    suppressions,
    runJob: async (job) => {
      jobs.push(job);
    },
    clock,
    random: () => 1,
    ...overrides,
  };
  /** A deadline as a 60-s function invoked now has it. */
  const deadline = () => new Date(clock.now().getTime() + 60_000);
  return { clock, ledger, mailer, suppressions, jobs, ports, deadline };
};

describe('delivering an outbox mail', () => {
  it('sends it once with its outbox id as a tag, and a second delivery sends nothing', async () => {
    const { ledger, mailer, ports, deadline } = setUp();
    const ref = ledger.add(mailEntry());

    const first = await deliverOutboxEntry(ports, ref, deadline());
    const second = await deliverOutboxEntry(ports, ref, deadline());

    expect(first).toMatchObject({ outcome: 'sent', kind: 'subscription-welcome' });
    expect(second.outcome).toBe('done');
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.options[0]?.tags).toEqual({ mailId: 'mail-1' });
    expect(ledger.get(ref)).toMatchObject({ state: 'sent', messageId: 'test-1', attempts: 1 });
  });

  it('records a mail SES rejects as failed, with the reason, and never tries it again', async () => {
    const mailer = failingMailer(new MailRejected('MessageRejected: Email address is not verified.'));
    const { ledger, clock, ports, deadline } = setUp({ mailer });
    const ref = ledger.add(mailEntry());

    const report = await deliverOutboxEntry(ports, ref, deadline());
    clock.advance(3600);
    const later = await deliverOutboxEntry(ports, ref, deadline());

    expect(report).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('not verified') });
    expect(later.outcome).toBe('done');
    expect(mailer.calls).toBe(1);
    expect(ledger.get(ref)?.state).toBe('failed');
  });

  it('records a mail whose composer fails on its data as failed, and sends nothing', async () => {
    const { ledger, mailer, ports, deadline } = setUp({
      compose: async () => {
        throw new MailCompositionFailed('meeting-updated: no startsAt');
      },
    });
    const ref = ledger.add(mailEntry());

    const report = await deliverOutboxEntry(ports, ref, deadline());

    expect(report.outcome).toBe('failed');
    expect(mailer.sent).toEqual([]);
    expect(ledger.get(ref)?.failure).toContain('no startsAt');
  });

  it('keeps a mail pending through account-level trouble, however long, and sends it once SES takes it', async () => {
    let paused = true;
    const recording = new RecordingMailer();
    const mailer: Mailer = {
      send: (mail, options) =>
        paused
          ? Promise.reject(new SendingUnavailable('SendingPausedException: sending paused'))
          : recording.send(mail, options),
    };
    const { ledger, clock, ports, deadline } = setUp({ mailer });
    const ref = ledger.add(mailEntry());

    const reports = [];
    for (let hour = 0; hour < 30; hour++) {
      reports.push(await deliverOutboxEntry(ports, ref, deadline()));
      clock.advance(3600);
    }
    paused = false;
    const resumed = await deliverOutboxEntry(ports, ref, deadline());

    expect(
      reports.every((report) => report.outcome === 'postponed' && report.postponedAs === 'account'),
    ).toBe(true);
    expect(resumed.outcome).toBe('sent');
    expect(recording.sent).toHaveLength(1);
  });

  it('postpones an infrastructure failure with a growing delay, and gives up after 24 hours', async () => {
    const mailer = failingMailer(new Error('socket hang up'));
    const { ledger, clock, ports, deadline } = setUp({ mailer });
    const ref = ledger.add(mailEntry());

    const first = await deliverOutboxEntry(ports, ref, deadline());
    const notYet = await deliverOutboxEntry(ports, ref, deadline());
    const firstDelay = (ledger.get(ref)?.dueAt ?? 0) - clock.now().getTime();
    clock.advance(firstDelay / 1000);
    await deliverOutboxEntry(ports, ref, deadline());
    const secondDelay = (ledger.get(ref)?.dueAt ?? 0) - clock.now().getTime();
    clock.advance(retryWindowSeconds);
    const last = await deliverOutboxEntry(ports, ref, deadline());

    expect(first).toMatchObject({ outcome: 'postponed', postponedAs: 'infrastructure' });
    expect(notYet.outcome).toBe('not-due');
    expect(secondDelay).toBe(2 * firstDelay);
    expect(last).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('gave up after 24 h') });
    expect(ledger.get(ref)?.state).toBe('failed');
  });

  it('waits for SES’s Send event before trying again a send whose outcome is unknown', async () => {
    const mailer = failingMailer(new SendOutcomeUnknown('TimeoutError: request timed out'));
    const { ledger, clock, ports, deadline } = setUp({ mailer });
    const ref = ledger.add(mailEntry());

    const report = await deliverOutboxEntry(ports, ref, deadline());

    expect(report).toMatchObject({ outcome: 'postponed', postponedAs: 'in-doubt' });
    expect((ledger.get(ref)?.dueAt ?? 0) - clock.now().getTime()).toBeGreaterThanOrEqual(
      sendEventWaitSeconds * 1000,
    );
  });

  it('skips a mail to a suppressed person and records the skip', async () => {
    const { ledger, mailer, suppressions, ports, deadline } = setUp();
    suppressions.suppressed.set('person-1', 'hard-bounce');
    const ref = ledger.add(mailEntry());

    const report = await deliverOutboxEntry(ports, ref, deadline());

    expect(report).toMatchObject({ outcome: 'skipped', reason: 'suppressed' });
    expect(mailer.sent).toEqual([]);
    expect(ledger.get(ref)?.state).toBe('skipped');
  });

  it('does not claim a mail when too little of the function’s time is left', async () => {
    const { ledger, clock, ports } = setUp();
    const ref = ledger.add(mailEntry());

    const report = await deliverOutboxEntry(ports, ref, new Date(clock.now().getTime() + 5_000));

    expect(report.outcome).toBe('out-of-time');
    expect(ledger.get(ref)?.state).toBe('pending');
  });

  it('gives the send an abort signal that ends before the function’s deadline', async () => {
    const { ledger, mailer, clock, ports } = setUp();
    const ref = ledger.add(mailEntry());
    const deadline = new Date(clock.now().getTime() + 20_000);
    const timeout = vi.spyOn(AbortSignal, 'timeout');

    await deliverOutboxEntry(ports, ref, deadline);

    expect(timeout).toHaveBeenCalledWith(18_000);
    expect(mailer.options[0]?.signal).toBe(timeout.mock.results[0]?.value);
    expect(sendTimeoutMs(deadline, clock.now())).toBe(18_000);
    timeout.mockRestore();
  });

  it('records a send aborted at the deadline as in doubt, not as failed', async () => {
    const mailer = failingMailer(new SendOutcomeUnknown('AbortError: This operation was aborted'));
    const { ledger, ports, deadline } = setUp({ mailer });
    const ref = ledger.add(mailEntry());

    const report = await deliverOutboxEntry(ports, ref, deadline());

    expect(report).toMatchObject({ outcome: 'postponed', postponedAs: 'in-doubt' });
    expect(ledger.get(ref)?.state).toBe('pending');
  });
});

describe('claims', () => {
  it('leave a mail alone while another delivery holds it, then resend it once the lease and the Send-event wait are over', async () => {
    const { ledger, mailer, clock, ports, deadline } = setUp();
    const ref = ledger.add(mailEntry());
    await ledger.claim(ref, clock.now());

    clock.advance(deliveryLeaseSeconds + sendEventWaitSeconds - 1);
    const busy = await deliverOutboxEntry(ports, ref, deadline());
    clock.advance(1);
    const resent = await deliverOutboxEntry(ports, ref, deadline());

    expect(busy.outcome).toBe('busy');
    expect(resent.outcome).toBe('resent');
    expect(mailer.sent).toHaveLength(1);
    expect(ledger.get(ref)).toMatchObject({ state: 'sent', attempts: 2, resends: 1 });
  });

  it('let a stale delivery record nothing over the claim that replaced it', async () => {
    const { ledger, clock } = setUp();
    const ref = ledger.add(mailEntry());
    const stale = await ledger.claim(ref, clock.now());
    clock.advance(deliveryLeaseSeconds + sendEventWaitSeconds);
    const current = await ledger.claim(ref, clock.now());
    if (stale.outcome !== 'claimed' || current.outcome !== 'claimed') throw new Error('not claimed');

    expect(await ledger.complete(stale.claim, clock.now(), 'stale-message')).toBe('superseded');
    expect(ledger.get(ref)).toMatchObject({ state: 'sending', claimId: current.claim.claimId });
    expect(await ledger.complete(current.claim, clock.now(), 'current-message')).toBe('done');
  });

  it('outlive every delivering function’s timeout by the margin', () => {
    const entries: LambdaEntry[] = Object.values(lambdaEntries);
    const delivering = entries.filter((entry) => entry.needs.delivers);

    expect(delivering.length).toBeGreaterThanOrEqual(2);
    for (const entry of delivering) {
      expect((entry.timeoutSeconds ?? 10) + deliveryLeaseMarginSeconds).toBeLessThanOrEqual(
        deliveryLeaseSeconds,
      );
    }
  });
});

describe('delivering a job', () => {
  const job: OutboxJob = {
    kind: 'meeting-changed',
    meetingId: 'm-1',
    change: 'updated',
    sequence: 2,
    mailParticipants: true,
  };
  const jobEntry: OutboxEntry = { type: 'job', outboxId: 'job-1', job, createdAt: start.toISOString() };

  it('runs it once', async () => {
    const { ledger, jobs, ports, deadline } = setUp();
    const ref = ledger.add(jobEntry);

    expect((await deliverOutboxEntry(ports, ref, deadline())).outcome).toBe('job-done');
    expect((await deliverOutboxEntry(ports, ref, deadline())).outcome).toBe('done');
    expect(jobs).toEqual([job]);
  });

  it('postpones a job that fails, and runs it again later', async () => {
    let failures = 1;
    const { ledger, clock, ports, deadline } = setUp({
      runJob: async () => {
        if (failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
      },
    });
    const ref = ledger.add(jobEntry);

    const first = await deliverOutboxEntry(ports, ref, deadline());
    clock.advance(maximumBackoffSeconds);
    const second = await deliverOutboxEntry(ports, ref, deadline());

    expect(first.outcome).toBe('postponed');
    expect(second.outcome).toBe('job-done');
  });
});

describe('the retry delay', () => {
  it('doubles from 10 s, is capped at 15 minutes and spread over its upper half', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelaySeconds(attempt, 1))).toEqual([10, 20, 40, 80]);
    expect(retryDelaySeconds(20, 1)).toBe(maximumBackoffSeconds);
    expect(retryDelaySeconds(1, 0)).toBe(5);
  });
});
