import { NotPermitted } from '../errors';
import type { MailingStore, StoredMailing } from '../mailings/drafts';
import { defaultFourEyesThreshold, type Mailing, missingForSend, sendNow } from '../mailings/mailing';
import type { AudienceCounter } from '../mailings/sending-control';
import type { Clock, Scheduler } from '../ports';
import {
  moveReport,
  publishScheduled,
  type Report,
  StaleReport,
  scheduleRefused,
  scheduleReport,
} from './report';
import { type AnnouncementWrite, findReport, type ReportStore } from './use-cases';

/**
 * Publishing a report (docs/architecture.md, "Reports"): now, or at a set time by a one-time schedule. The
 * report goes online and its announcement starts sending in one transaction, so the announcement goes out
 * exactly once however often publish is called or the schedule fires: only a draft announcement starts, and
 * only together with the move of the report that was read. An announcement over the four-eyes threshold
 * needs its approval (core/mailings/mailing.ts) before the report can be published or scheduled.
 */

export interface PublicationPorts {
  readonly store: Pick<ReportStore, 'get' | 'replace'>;
  readonly mailings: Pick<MailingStore, 'get'>;
  readonly counter: AudienceCounter;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  /** Audiences above this need four eyes. Default 500. */
  readonly fourEyesThreshold?: number;
}

/** The one-time schedule that publishes a report (EventBridge Scheduler, Europe/Amsterdam). */
export const reportScheduleName = (reportId: string): string => `report-${reportId}`;

/** The report's announcement, when it is still a draft: only then does publishing send it. */
const draftAnnouncement = async (
  ports: Pick<PublicationPorts, 'mailings'>,
  report: Report,
): Promise<StoredMailing | undefined> => {
  if (!report.announcementId) return undefined;
  const stored = await ports.mailings.get(report.announcementId);
  return stored?.mailing.status === 'draft' ? stored : undefined;
};

/** The four-eyes rule for the announcement, at its audience counted now; 403 that says what is missing. */
const assertAnnouncementMaySend = async (
  ports: Pick<PublicationPorts, 'counter' | 'fourEyesThreshold'>,
  announcement: Mailing,
): Promise<void> => {
  const { audience } = await ports.counter.count(announcement.audience);
  const threshold = ports.fourEyesThreshold ?? defaultFourEyesThreshold;
  const missing = missingForSend(announcement, { audienceCount: audience, threshold });
  if (missing.length === 0) return;
  throw new NotPermitted(
    `De aankondiging van deze publicatie gaat naar ${audience} mensen, meer dan ${threshold}. ` +
      `Voordat de publicatie verschijnt of ingepland wordt, is voor de aankondiging (mailing ${announcement.mailingId}) nog nodig: ${missing.join('; ')}. ` +
      'Of verwijder de aankondiging om zonder te publiceren.',
  );
};

/** The announcement's move to sending, checked by four eyes; none when there is no draft to send. */
const announcementStart = async (
  ports: Pick<PublicationPorts, 'mailings' | 'counter' | 'fourEyesThreshold'>,
  report: Report,
  now: Date,
): Promise<AnnouncementWrite | undefined> => {
  const stored = await draftAnnouncement(ports, report);
  if (!stored) return undefined;
  await assertAnnouncementMaySend(ports, stored.mailing);
  const { notice: _notice, ...started } = sendNow(stored.mailing, now);
  return { previous: stored.mailing, next: { ...stored, mailing: started } };
};

/**
 * Publish now (If-Match when given).
 * 1. A draft or a scheduled report; its draft announcement passes four eyes.
 * 2. The report goes online and the announcement starts sending, in one write (the sender sends it).
 * 3. A schedule it had is deleted (a firing after the write is ignored anyway).
 */
export const publishReportNow = async (
  ports: PublicationPorts,
  reportId: string,
  expectedVersion: number | undefined,
): Promise<Report> => {
  const report = await findReport(ports, reportId);
  const now = ports.clock.now();
  const next = moveReport(report, 'publish', expectedVersion, now);
  await ports.store.replace(report, next, await announcementStart(ports, report, now));
  if (report.status === 'scheduled') await ports.scheduler.cancel(reportScheduleName(reportId));
  return next;
};

/**
 * Schedule for `at` (If-Match when given).
 * 1. A draft, or a scheduled report moved to another time; `at` in the future; four eyes for its draft
 *    announcement at today's count (checked again when the schedule fires).
 * 2. The schedule `report-<id>` is created (or moved) first, then the status written: a schedule whose report
 *    was not written fires for a report not scheduled for it, and is ignored.
 */
export const scheduleReportAt = async (
  ports: PublicationPorts,
  reportId: string,
  at: Date,
  expectedVersion: number | undefined,
): Promise<Report> => {
  const report = await findReport(ports, reportId);
  const next = scheduleReport(report, at, expectedVersion, ports.clock.now());
  const announcement = await draftAnnouncement(ports, report);
  if (announcement) await assertAnnouncementMaySend(ports, announcement.mailing);
  const name = reportScheduleName(reportId);
  await ports.scheduler.scheduleOnce(name, at, {
    kind: 'report-publish',
    reportId,
    scheduledAt: next.scheduledAt as string,
  });
  try {
    await ports.store.replace(report, next);
  } catch (error) {
    // Another write came first: the schedule goes back to what the report (as read) says, so a report
    // still scheduled for its old time is published then, and a draft has none.
    if (report.status === 'scheduled' && report.scheduledAt) {
      await ports.scheduler.scheduleOnce(name, new Date(report.scheduledAt), {
        kind: 'report-publish',
        reportId,
        scheduledAt: report.scheduledAt,
      });
    } else {
      await ports.scheduler.cancel(name);
    }
    throw error;
  }
  return next;
};

/** Offline: a published report goes back to draft; a scheduled one comes off its schedule. */
export const unpublishReport = async (
  ports: PublicationPorts,
  reportId: string,
  expectedVersion: number | undefined,
): Promise<Report> => {
  const report = await findReport(ports, reportId);
  const next = moveReport(report, 'unpublish', expectedVersion, ports.clock.now());
  await ports.store.replace(report, next);
  if (report.status === 'scheduled') await ports.scheduler.cancel(reportScheduleName(reportId));
  return next;
};

export type ScheduledPublication = 'published' | 'ignored' | 'refused';

/**
 * The schedule fired. A repeat or stale firing changes nothing. Otherwise four eyes are checked again for
 * the announcement at the audience counted now: when that refuses, the report goes back to draft with the
 * reason (the organiser sees it) and nothing is published or sent. A firing that loses the race to another
 * (two deliveries at once) finds the report no longer scheduled when it reads again, and is ignored.
 */
export const publishScheduledReport = async (
  ports: Omit<PublicationPorts, 'scheduler'>,
  job: { readonly reportId: string; readonly scheduledAt: string },
): Promise<ScheduledPublication> => {
  const report = await ports.store.get(job.reportId);
  if (!report) return 'ignored';
  const now = ports.clock.now();
  const firing = publishScheduled(report, job.scheduledAt, now);
  if (firing.outcome === 'ignored') return 'ignored';
  let announcement: AnnouncementWrite | undefined;
  try {
    announcement = await announcementStart(ports, report, now);
  } catch (error) {
    if (!(error instanceof NotPermitted)) throw error;
    await ports.store.replace(report, scheduleRefused(report, error.message, now));
    return 'refused';
  }
  try {
    await ports.store.replace(report, firing.report, announcement);
  } catch (error) {
    if (!(error instanceof StaleReport)) throw error;
    const current = await ports.store.get(job.reportId);
    if (current && publishScheduled(current, job.scheduledAt, now).outcome === 'publish') throw error;
    return 'ignored';
  }
  return 'published';
};
