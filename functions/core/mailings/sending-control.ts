import { MailingConflict, NotFound, NotPermitted } from '../errors';
import type { Clock, Scheduler } from '../ports';
import type { MailingStore, StoredMailing } from './drafts';
import {
  assertMaySend,
  cancelMailing,
  defaultFourEyesThreshold,
  type Mailing,
  missingForSend,
  pauseMailing,
  resumeMailing,
  retryFailed,
  scheduleFired,
  scheduleMailing,
  sendNow,
  unscheduleMailing,
} from './mailing';
import type { MailingRecipients, SendingAccount, SendingProgressStore } from './recipients';

/**
 * What organisers do with a mailing once it is written (docs/architecture.md, "Sending a mailing"): send it
 * now, schedule it, take it back, pause, resume, cancel, and send again to those whose transient failures
 * outlasted their retries. Each is one status move of the model (mailing.ts), written conditionally on the
 * version and status read; the sender (sender.ts) does the sending itself.
 */

/** What a dry run finds: who would get the mail now, and who of the audience would be skipped. */
export interface AudienceCount {
  readonly audience: number;
  readonly distinct: number;
  readonly suppressed: number;
  readonly optedOut: number;
}

export interface AudienceCounter {
  count(audience: Mailing['audience']): Promise<AudienceCount>;
}

export interface SendingControlPorts {
  readonly store: Pick<MailingStore, 'get' | 'replace'>;
  readonly scheduler: Scheduler;
  readonly account: SendingAccount;
  readonly counter: AudienceCounter;
  readonly recipients: Pick<MailingRecipients, 'requeueFailed' | 'recount'>;
  readonly progress: Pick<SendingProgressStore, 'report' | 'acknowledgeComplaints'>;
  readonly clock: Clock;
  /** Audiences above this need four eyes. Default 500. */
  readonly fourEyesThreshold?: number;
}

/** The one-time schedule of a mailing (EventBridge Scheduler, Europe/Amsterdam). */
export const mailingScheduleName = (mailingId: string): string => `mailing-${mailingId}`;

const find = async (ports: Pick<SendingControlPorts, 'store'>, mailingId: string): Promise<StoredMailing> => {
  const stored = await ports.store.get(mailingId);
  if (!stored) throw new NotFound('Deze mailing bestaat niet.');
  return stored;
};

/** A send or a schedule starts afresh: the notice of an earlier refused start goes. */
const withoutNotice = ({ notice: _notice, ...mailing }: Mailing): Mailing => mailing;

const write = async (
  ports: SendingControlPorts,
  stored: StoredMailing,
  next: Mailing,
): Promise<StoredMailing> => {
  const written = { ...stored, mailing: next };
  await ports.store.replace(stored.mailing, written);
  return written;
};

/** Only a production account sends to an audience; in the SES sandbox only test-sends go out. */
const assertProductionAccess = async (ports: SendingControlPorts, mailing: Mailing): Promise<void> => {
  if ((await ports.account.standing()).productionAccessEnabled) return;
  throw new MailingConflict(
    mailing.status,
    'Het SES-account van Drop In zit nog in de sandbox: alleen testmails kunnen worden verstuurd. ' +
      'Vraag productietoegang aan bij AWS voordat je een mailing verstuurt of inplant.',
  );
};

/**
 * A report's announcement goes out with the report (core/reports/publication.ts), a Vooruitblik at its own
 * time once approved (core/mailings/vooruitblik.ts): neither by a send or schedule of its own.
 */
const assertNotAnAnnouncement = (mailing: Mailing): void => {
  if (mailing.announcesReport !== undefined) {
    throw new MailingConflict(
      mailing.status,
      'Deze mailing is de aankondiging van een publicatie: ze gaat vanzelf uit wanneer de publicatie verschijnt ' +
        '(publiceren of inplannen van de publicatie). Verwijder haar als de publicatie zonder aankondiging moet verschijnen.',
    );
  }
  if (mailing.digestFor !== undefined) {
    throw new MailingConflict(
      mailing.status,
      'Deze mailing is een Vooruitblik: ze gaat vanzelf uit op haar tijdstip, als een organisator haar heeft goedgekeurd.',
    );
  }
};

/** The four-eyes rule at the audience counted now. */
const assertFourEyes = async (
  ports: Pick<SendingControlPorts, 'counter' | 'fourEyesThreshold'>,
  mailing: Mailing,
): Promise<void> => {
  const { audience } = await ports.counter.count(mailing.audience);
  assertMaySend(mailing, {
    audienceCount: audience,
    threshold: ports.fourEyesThreshold ?? defaultFourEyesThreshold,
  });
};

/**
 * Send now.
 * 1. Only a draft, not a report's announcement; only from a production SES account.
 * 2. The audience is counted now; above the threshold four eyes are needed (403 says what is missing).
 * 3. The mailing is sending: the sender takes it within a minute (offline, within a second).
 */
export const sendMailingNow = async (
  ports: SendingControlPorts,
  mailingId: string,
): Promise<StoredMailing> => {
  const stored = await find(ports, mailingId);
  const next = withoutNotice(sendNow(stored.mailing, ports.clock.now()));
  assertNotAnAnnouncement(stored.mailing);
  await assertProductionAccess(ports, stored.mailing);
  await assertFourEyes(ports, stored.mailing);
  return write(ports, stored, next);
};

/**
 * Schedule for `at`.
 * 1. A draft, a future instant, a production account, four eyes at today's count.
 * 2. The schedule `mailing-<id>` is created first, then the status written: a schedule whose mailing was not
 *    written fires for a mailing that is not scheduled for it, and is ignored.
 */
export const scheduleMailingAt = async (
  ports: SendingControlPorts,
  mailingId: string,
  at: Date,
): Promise<StoredMailing> => {
  const stored = await find(ports, mailingId);
  const next = withoutNotice(scheduleMailing(stored.mailing, at, ports.clock.now()));
  assertNotAnAnnouncement(stored.mailing);
  await assertProductionAccess(ports, stored.mailing);
  await assertFourEyes(ports, stored.mailing);
  await ports.scheduler.scheduleOnce(mailingScheduleName(mailingId), at, {
    kind: 'mailing-send',
    mailingId,
    scheduledAt: next.scheduledAt as string,
  });
  return write(ports, stored, next);
};

/** Back to draft: the status first (a firing after it is ignored), then the schedule is deleted. */
export const unscheduleMailingNow = async (
  ports: SendingControlPorts,
  mailingId: string,
): Promise<StoredMailing> => {
  const stored = await find(ports, mailingId);
  const written = await write(ports, stored, unscheduleMailing(stored.mailing, ports.clock.now()));
  await ports.scheduler.cancel(mailingScheduleName(mailingId));
  return written;
};

export const pauseMailingNow = async (
  ports: SendingControlPorts,
  mailingId: string,
): Promise<StoredMailing> => {
  const stored = await find(ports, mailingId);
  return write(ports, stored, pauseMailing(stored.mailing, ports.clock.now()));
};

/**
 * Resume: a mailing paused by SES's account state resumes only when the account sends again. One paused for
 * its complaints resumes because an organiser decided so: the complaints so far are acknowledged, and it
 * pauses again only at as many new ones.
 */
export const resumeMailingNow = async (
  ports: SendingControlPorts,
  mailingId: string,
): Promise<StoredMailing> => {
  const stored = await find(ports, mailingId);
  const { pausedBy: _cause, ...resumed } = resumeMailing(stored.mailing, ports.clock.now());
  if (stored.mailing.pausedBy === 'complaints') await ports.progress.acknowledgeComplaints(mailingId);
  return write(ports, stored, resumed);
};

/** Cancel: a scheduled mailing's schedule goes too; recipients already sent to stay sent. */
export const cancelMailingNow = async (
  ports: SendingControlPorts,
  mailingId: string,
): Promise<StoredMailing> => {
  const stored = await find(ports, mailingId);
  const wasScheduled = stored.mailing.status === 'scheduled';
  const written = await write(ports, stored, cancelMailing(stored.mailing, ports.clock.now()));
  if (wasScheduled) await ports.scheduler.cancel(mailingScheduleName(mailingId));
  return written;
};

/**
 * Retry the failed: a sent mailing sends again to the recipients whose transient failures outlasted their
 * retries (permanent rejections stay failed). They go back to pending first, then the mailing is sending.
 */
export const retryFailedRecipients = async (
  ports: SendingControlPorts,
  mailingId: string,
): Promise<StoredMailing> => {
  const stored = await find(ports, mailingId);
  const next = retryFailed(stored.mailing, ports.clock.now());
  const requeued = await ports.recipients.requeueFailed(mailingId, ports.clock.now());
  // An earlier retry that requeued them and then failed to write the status left them pending: go on.
  const { audience, sent, skipped, failed } = await ports.recipients.recount(mailingId);
  const waiting = audience - sent - skipped - failed;
  if (requeued === 0 && waiting === 0) {
    throw new MailingConflict(
      stored.mailing.status,
      'Er zijn geen ontvangers met een tijdelijke fout om opnieuw te proberen. Wie SES blijvend weigerde, blijft mislukt.',
    );
  }
  await ports.progress.report(mailingId, { failed: -requeued }, 0, ports.clock.now());
  return write(ports, stored, next);
};

/** The dry run: the audience as a send would find it now, and what four eyes still need for it. */
export const countMailingAudience = async (
  ports: Pick<SendingControlPorts, 'store' | 'counter' | 'fourEyesThreshold'>,
  mailingId: string,
): Promise<{ count: AudienceCount; threshold: number; missing: string[] }> => {
  const stored = await find(ports, mailingId);
  const count = await ports.counter.count(stored.mailing.audience);
  const threshold = ports.fourEyesThreshold ?? defaultFourEyesThreshold;
  return {
    count,
    threshold,
    missing: missingForSend(stored.mailing, { audienceCount: count.audience, threshold }),
  };
};

export type ScheduledStart = 'started' | 'ignored' | 'refused';

export type ScheduledStartPorts = Pick<
  SendingControlPorts,
  'store' | 'counter' | 'clock' | 'fourEyesThreshold'
>;

/**
 * The schedule fired. A repeat or stale firing changes nothing. Otherwise the four-eyes rule is checked again
 * at the audience counted now; when it refuses, the mailing goes back to draft with the reason (the organiser
 * sees it), and nothing is sent. (The sender checks the SES account: in the sandbox it pauses the mailing.)
 */
export const startScheduledMailing = async (
  ports: ScheduledStartPorts,
  job: { readonly mailingId: string; readonly scheduledAt: string },
): Promise<ScheduledStart> => {
  const stored = await ports.store.get(job.mailingId);
  if (!stored) return 'ignored';
  const now = ports.clock.now();
  const firing = scheduleFired(stored.mailing, job.scheduledAt, now);
  if (firing.outcome === 'ignored') return 'ignored';
  const written = (next: Mailing) => ports.store.replace(stored.mailing, { ...stored, mailing: next });
  try {
    await assertFourEyes(ports, stored.mailing);
  } catch (error) {
    if (!(error instanceof NotPermitted)) throw error;
    await written({
      ...unscheduleMailing(stored.mailing, now),
      notice: `De geplande verzending is niet doorgegaan. ${error.message}`,
    });
    return 'refused';
  }
  await written(firing.mailing);
  return 'started';
};
