import { describe, expect, it } from 'vitest';
import { MailingConflict, NotPermitted } from '../../functions/core/errors';
import {
  approveMailing,
  type Mailing,
  type MailingStatus,
  mailingStatuses,
  newMailing,
  recordTestSend,
  statusLabels,
} from '../../functions/core/mailings/mailing';
import {
  cancelMailingNow,
  mailingScheduleName,
  pauseMailingNow,
  resumeMailingNow,
  retryFailedRecipients,
  type SendingControlPorts,
  scheduleMailingAt,
  sendMailingNow,
  startScheduledMailing,
  unscheduleMailingNow,
} from '../../functions/core/mailings/sending-control';
import type { Organiser } from '../../functions/core/organisers/identity';
import type { ScheduledJob } from '../../functions/core/ports';
import { mapError } from '../../functions/handlers/http/edge';
import {
  AudienceWorld,
  FakeSendingAccount,
  InMemoryAudienceCounter,
  InMemoryMailingRecipients,
  InMemoryMailingStore,
  InMemorySendingProgress,
} from '../support/in-memory-mailing-sending';
import { FixedClock, RecordingScheduler } from '../support/in-memory-ports';

/** What organisers do with a written mailing (functions/core/mailings/sending-control.ts), over in-memory ports. */

const now = new Date('2027-03-01T09:00:00.000Z');
const tomorrow = new Date('2027-03-02T08:00:00.000Z');
const author: Organiser = {
  subject: 'sub-anna',
  email: 'anna@example.org',
  name: 'Anna',
  groups: ['organisers'],
};
const second: Organiser = {
  subject: 'sub-bram',
  email: 'bram@example.org',
  name: 'Bram',
  groups: ['organisers'],
};
/** Four eyes above three recipients, so a test needs only a few people. */
const threshold = 3;

/** A scheduler that logs what it does into the shared log. */
class LoggingScheduler extends RecordingScheduler {
  constructor(private readonly log: string[]) {
    super();
  }
  override async scheduleOnce(name: string, at: Date, job: ScheduledJob): Promise<void> {
    this.log.push(`schedule ${name}`);
    await super.scheduleOnce(name, at, job);
  }
  override async cancel(name: string): Promise<void> {
    this.log.push(`cancel ${name}`);
    await super.cancel(name);
  }
}

const setUp = (people = 2) => {
  const log: string[] = [];
  const world = new AudienceWorld();
  for (let i = 1; i <= people; i++) world.subscribe(`p${i}`, ['nieuwsbrief']);
  const store = new InMemoryMailingStore();
  store.onWrite = (next) => log.push(`write ${next.mailing.status}`);
  const scheduler = new LoggingScheduler(log);
  const account = new FakeSendingAccount();
  const recipients = new InMemoryMailingRecipients();
  const progress = new InMemorySendingProgress();
  const clock = new FixedClock(now);
  const ports: SendingControlPorts = {
    store,
    scheduler,
    account,
    counter: new InMemoryAudienceCounter(world),
    recipients,
    progress,
    clock,
    fourEyesThreshold: threshold,
  };
  /** Stores a mailing in `status` (a draft unless told), changed by `change`. */
  const stored = async (status: MailingStatus = 'draft', change: (m: Mailing) => Mailing = (m) => m) => {
    const draft = newMailing(
      { subject: 'Nieuws', body: 'Hallo', audience: { topics: ['nieuwsbrief'] } },
      author,
      {
        mailingId: 'm1',
        now,
      },
    );
    const mailing = change({
      ...draft,
      status,
      ...(status === 'scheduled' ? { scheduledAt: tomorrow.toISOString() } : {}),
    });
    await store.create({ mailing, rendered: { html: '<p>Hallo</p>', text: 'Hallo' } });
    return mailing;
  };
  const current = () => store.mailings.get('m1')?.mailing as Mailing;
  return { log, world, store, scheduler, account, recipients, progress, clock, ports, stored, current };
};

/** A test-send of the current version to the author, and another organiser's approval of it. */
const fourEyes = (mailing: Mailing): Mailing =>
  approveMailing(recordTestSend(mailing, author, [author.email as string], now), second, now);

const rejection = async (action: Promise<unknown>) => {
  const error = await action.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeDefined();
  return { error, http: mapError(error) };
};

describe('send now', () => {
  it('sends a draft to a small audience at once', async () => {
    const { ports, stored, current } = setUp(2);
    await stored('draft', (m) => ({ ...m, notice: 'De geplande verzending is niet doorgegaan.' }));

    await sendMailingNow(ports, 'm1');

    expect(current().status).toBe('sending');
    expect(current().notice).toBeUndefined();
  });

  it('refuses in the SES sandbox (409), and changes nothing', async () => {
    const { ports, account, stored, current } = setUp(2);
    await stored();
    account.set({ productionAccessEnabled: false });

    const { error, http } = await rejection(sendMailingNow(ports, 'm1'));

    expect(error).toBeInstanceOf(MailingConflict);
    expect(http.status).toBe(409);
    expect(http.message).toContain('sandbox');
    expect(current().status).toBe('draft');
  });

  it('refuses an audience above the threshold without four eyes (403 naming what is missing)', async () => {
    const { ports, stored, current } = setUp(threshold + 1);
    await stored();

    const { error, http } = await rejection(sendMailingNow(ports, 'm1'));

    expect(error).toBeInstanceOf(NotPermitted);
    expect(http.status).toBe(403);
    expect(http.message).toContain(`${threshold + 1} mensen`);
    expect(http.message).toContain('een testmail van deze versie aan de auteur');
    expect(http.message).toContain('de goedkeuring van een tweede organisator');
    expect(current().status).toBe('draft');
  });

  it('names only the approval when the test-send to the author was made', async () => {
    const { ports, stored } = setUp(threshold + 1);
    await stored('draft', (m) => recordTestSend(m, author, [author.email as string], now));

    const { http } = await rejection(sendMailingNow(ports, 'm1'));

    expect(http.message).not.toContain('testmail');
    expect(http.message).toContain('de goedkeuring van een tweede organisator');
  });

  it('sends an audience above the threshold after a test-send to the author and another organiser’s approval', async () => {
    const { ports, stored, current } = setUp(threshold + 1);
    await stored('draft', fourEyes);

    await sendMailingNow(ports, 'm1');

    expect(current().status).toBe('sending');
  });
});

describe('scheduling', () => {
  it('creates the schedule mailing-<id> with the send job before it writes the status', async () => {
    const { ports, scheduler, log, stored, current } = setUp(2);
    await stored();

    await scheduleMailingAt(ports, 'm1', tomorrow);

    expect(scheduler.schedules.get(mailingScheduleName('m1'))).toEqual({
      at: tomorrow,
      job: { kind: 'mailing-send', mailingId: 'm1', scheduledAt: tomorrow.toISOString() },
    });
    expect(mailingScheduleName('m1')).toBe('mailing-m1');
    expect(log).toEqual(['schedule mailing-m1', 'write scheduled']);
    expect(current()).toMatchObject({ status: 'scheduled', scheduledAt: tomorrow.toISOString() });
  });

  it('leaves the mailing a draft when the schedule cannot be created', async () => {
    const { ports, scheduler, stored, current } = setUp(2);
    await stored();
    scheduler.scheduleOnce = async () => {
      throw new Error('Scheduler unavailable');
    };

    await expect(scheduleMailingAt(ports, 'm1', tomorrow)).rejects.toThrow('Scheduler unavailable');

    expect(current().status).toBe('draft');
  });

  it('applies four eyes and the sandbox when scheduling too, and creates no schedule then', async () => {
    const { ports, scheduler, account, stored } = setUp(threshold + 1);
    await stored();

    expect((await rejection(scheduleMailingAt(ports, 'm1', tomorrow))).http.status).toBe(403);
    account.set({ productionAccessEnabled: false });
    expect((await rejection(scheduleMailingAt(ports, 'm1', tomorrow))).http.status).toBe(409);
    expect(scheduler.schedules.size).toBe(0);
  });

  it('deletes the schedule on unschedule and on cancel', async () => {
    const unscheduled = setUp(2);
    await unscheduled.stored();
    await scheduleMailingAt(unscheduled.ports, 'm1', tomorrow);

    await unscheduleMailingNow(unscheduled.ports, 'm1');

    expect(unscheduled.scheduler.schedules.size).toBe(0);
    expect(unscheduled.current().status).toBe('draft');
    expect(unscheduled.current().scheduledAt).toBeUndefined();

    const cancelled = setUp(2);
    await cancelled.stored();
    await scheduleMailingAt(cancelled.ports, 'm1', tomorrow);

    await cancelMailingNow(cancelled.ports, 'm1');

    expect(cancelled.scheduler.schedules.size).toBe(0);
    expect(cancelled.current().status).toBe('cancelled');
  });

  it('starts once when the schedule fires twice: the second firing is ignored', async () => {
    const { ports, stored, current } = setUp(2);
    await stored();
    await scheduleMailingAt(ports, 'm1', tomorrow);
    const job = { mailingId: 'm1', scheduledAt: tomorrow.toISOString() };

    const first = await startScheduledMailing(ports, job);
    const again = await startScheduledMailing(ports, job);

    expect([first, again]).toEqual(['started', 'ignored']);
    expect(current().status).toBe('sending');
  });

  it('ignores a firing for another instant than the mailing is scheduled for (it moved)', async () => {
    const { ports, stored, current } = setUp(2);
    await stored('scheduled');

    const outcome = await startScheduledMailing(ports, { mailingId: 'm1', scheduledAt: now.toISOString() });

    expect(outcome).toBe('ignored');
    expect(current().status).toBe('scheduled');
  });

  it('goes back to draft with a notice when the audience grew past the threshold without four eyes', async () => {
    const { ports, world, stored, current } = setUp(threshold);
    await stored();
    await scheduleMailingAt(ports, 'm1', tomorrow);
    world.subscribe('p-late', ['nieuwsbrief']);

    const outcome = await startScheduledMailing(ports, {
      mailingId: 'm1',
      scheduledAt: tomorrow.toISOString(),
    });

    expect(outcome).toBe('refused');
    expect(current().status).toBe('draft');
    expect(current().scheduledAt).toBeUndefined();
    expect(current().notice).toContain('De geplande verzending is niet doorgegaan.');
    expect(current().notice).toContain('de goedkeuring van een tweede organisator');
  });
});

describe('retry-failed', () => {
  type Outcome = 'sent' | 'permanent' | 'transient';
  /** A sent mailing whose recipients ended as given. */
  const sentWith = async (outcomes: Record<string, Outcome>) => {
    const setup = setUp(Object.keys(outcomes).length);
    const { recipients, progress, stored } = setup;
    await stored('sent');
    const people = Object.keys(outcomes).map((personId) => ({ personId, from: 'topics' as const }));
    await recipients.add('m1', people, now);
    for (const [personId, outcome] of Object.entries(outcomes)) {
      const claimed = await recipients.claim('m1', personId, now, new Date(now.getTime() + 60_000));
      if (claimed.outcome !== 'claimed') throw new Error(`${personId} not claimed`);
      if (outcome === 'sent') await recipients.sent(claimed.claim, now, `ses-${personId}`);
      else await recipients.failed(claimed.claim, now, outcome, 'SES said no');
    }
    await progress.setCounts('m1', await recipients.recount('m1'), now, true);
    return setup;
  };

  it('requeues only the transient failures, and the mailing is sending again', async () => {
    const { ports, recipients, progress, current } = await sentWith({
      p1: 'sent',
      p2: 'permanent',
      p3: 'transient',
    });

    await retryFailedRecipients(ports, 'm1');

    expect(current().status).toBe('sending');
    expect(recipients.get('m1', 'p3')).toMatchObject({ state: 'pending', failures: 0 });
    expect(recipients.get('m1', 'p2')).toMatchObject({ state: 'failed', failureKind: 'permanent' });
    expect(recipients.get('m1', 'p1')?.state).toBe('sent');
    expect((await progress.get('m1'))?.counts).toMatchObject({ audience: 3, sent: 1, failed: 1 });
  });

  it('goes on when an earlier retry requeued them but could not write the status', async () => {
    const { ports, recipients, current } = await sentWith({ p1: 'sent', p2: 'transient' });
    await recipients.requeueFailed('m1', now);

    await retryFailedRecipients(ports, 'm1');

    expect(current().status).toBe('sending');
    expect(recipients.get('m1', 'p2')?.state).toBe('pending');
  });

  it('is a 409 when no failure was transient, and the mailing stays sent', async () => {
    const { ports, recipients, current } = await sentWith({ p1: 'sent', p2: 'permanent' });

    const { error, http } = await rejection(retryFailedRecipients(ports, 'm1'));

    expect(error).toBeInstanceOf(MailingConflict);
    expect(http.status).toBe(409);
    expect(current().status).toBe('sent');
    expect(recipients.get('m1', 'p2')?.state).toBe('failed');
  });
});

describe('every other move', () => {
  const actions = {
    'send now': (ports: SendingControlPorts) => sendMailingNow(ports, 'm1'),
    schedule: (ports: SendingControlPorts) => scheduleMailingAt(ports, 'm1', tomorrow),
    unschedule: (ports: SendingControlPorts) => unscheduleMailingNow(ports, 'm1'),
    pause: (ports: SendingControlPorts) => pauseMailingNow(ports, 'm1'),
    resume: (ports: SendingControlPorts) => resumeMailingNow(ports, 'm1'),
    cancel: (ports: SendingControlPorts) => cancelMailingNow(ports, 'm1'),
    'retry-failed': (ports: SendingControlPorts) => retryFailedRecipients(ports, 'm1'),
  } as const;
  const allowed: Record<keyof typeof actions, readonly MailingStatus[]> = {
    'send now': ['draft'],
    schedule: ['draft'],
    unschedule: ['scheduled'],
    pause: ['sending'],
    resume: ['paused'],
    cancel: ['draft', 'scheduled', 'paused', 'waiting-for-quota'],
    'retry-failed': ['sent'],
  };

  it('is a 409 that names the status, and changes nothing', async () => {
    let checked = 0;
    for (const [name, action] of Object.entries(actions) as [
      keyof typeof actions,
      (typeof actions)['cancel'],
    ][]) {
      for (const status of mailingStatuses.filter((s) => !allowed[name].includes(s))) {
        const { ports, scheduler, stored, current } = setUp(2);
        await stored(status);

        const { error, http } = await rejection(action(ports));

        expect(error, `${name} from ${status}`).toBeInstanceOf(MailingConflict);
        expect((error as MailingConflict).status).toBe(status);
        expect(http.status).toBe(409);
        expect(http.message, `${name} from ${status}`).toContain(`status: ${statusLabels[status]}`);
        expect(current().status).toBe(status);
        expect(scheduler.schedules.size).toBe(0);
        checked += 1;
      }
    }
    expect(checked).toBe(7 * 7 - 10);
  });

  it('allows each from its own statuses', async () => {
    const expected: Record<keyof typeof actions, MailingStatus> = {
      'send now': 'sending',
      schedule: 'scheduled',
      unschedule: 'draft',
      pause: 'paused',
      resume: 'sending',
      cancel: 'cancelled',
      'retry-failed': 'sending',
    };
    for (const [name, action] of Object.entries(actions) as [
      keyof typeof actions,
      (typeof actions)['cancel'],
    ][]) {
      for (const status of allowed[name]) {
        const { ports, recipients, stored, current } = setUp(2);
        await stored(status, (m) => (status === 'paused' ? { ...m, pausedBy: 'organiser' } : m));
        if (name === 'retry-failed') {
          await recipients.add('m1', [{ personId: 'p1', from: 'topics' }], now);
          const claimed = await recipients.claim('m1', 'p1', now, tomorrow);
          if (claimed.outcome === 'claimed')
            await recipients.failed(claimed.claim, now, 'transient', 'timeout');
        }

        await action(ports);

        expect(current().status, `${name} from ${status}`).toBe(expected[name]);
        expect(current().pausedBy).toBe(name === 'pause' ? 'organiser' : undefined);
      }
    }
  });
});
