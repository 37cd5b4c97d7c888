import { InvalidInput, NotFound } from '../errors';
import { reportAnnouncement } from '../mailings/announcement';
import type { MailingStore, RenderedMailing, StoredMailing } from '../mailings/drafts';
import { type Mailing, type MailingContent, newMailing } from '../mailings/mailing';
import type { Organiser } from '../organisers/identity';
import type { Clock, IdGenerator } from '../ports';
import {
  editReport,
  isSlug,
  newReport,
  type Report,
  type ReportChanges,
  type ReportContent,
  type ReportKind,
  type ReportStatus,
  type ReportSummary,
} from './report';

export interface ReportPage {
  readonly items: readonly ReportSummary[];
  /** Where the next page starts; null on the last. */
  readonly nextCursor: string | null;
}

export interface ReportStore {
  get(reportId: string): Promise<Report | undefined>;
  /** The report a slug names, its current one or one it had before. */
  bySlug(slug: string): Promise<Report | undefined>;
  /**
   * Writes the report and claims its slug (SlugTaken when another report holds it), and its announcement
   * draft when given: all or nothing.
   */
  create(report: Report, announcement?: StoredMailing): Promise<void>;
  /**
   * Conditional on the version `previous` had (StaleReport otherwise); a changed slug is claimed (SlugTaken),
   * and the old one keeps naming this report. With `announcement`, its mailing is written in the same
   * transaction, conditional on the version and status it had (StaleMailing otherwise): a report goes online
   * and its announcement starts, or neither.
   */
  replace(previous: Report, next: Report, announcement?: AnnouncementWrite): Promise<void>;
  /** Per status, newest date first, a page at a time, without their bodies; optionally one kind. */
  list(query: {
    readonly status: ReportStatus;
    readonly kind?: ReportKind;
    readonly cursor?: string;
    readonly limit: number;
  }): Promise<ReportPage>;
}

/** An announcement's mailing as read, and as it is to be written with its report. */
export interface AnnouncementWrite {
  readonly previous: Mailing;
  readonly next: StoredMailing;
}

export interface ReportPorts {
  readonly store: ReportStore;
  /** Organiser Markdown as safe HTML. */
  readonly render: (markdown: string) => string;
  /** A mailing's content as mail (its announcement draft). */
  readonly renderMail: (content: Pick<MailingContent, 'subject' | 'preheader' | 'body'>) => RenderedMailing;
  /** The absolute address of a report's public page. */
  readonly reportUrl: (slug: string) => string;
  /** The announcements, to draft them again while nobody touched them. */
  readonly mailings: Pick<MailingStore, 'get'>;
  /** A meeting a report names must exist. */
  readonly meetings: { getMeeting(meetingId: string): Promise<unknown> };
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

const assertMeeting = async (ports: ReportPorts, meetingId: string | null | undefined): Promise<void> => {
  if (!meetingId || (await ports.meetings.getMeeting(meetingId))) return;
  throw new InvalidInput([{ field: 'meetingId', message: 'Deze bijeenkomst bestaat niet.' }]);
};

/**
 * An organiser writes a report.
 * 1. A meeting it names exists; the body is rendered once.
 * 2. Its announcement is drafted from it (reportAnnouncement), with the organiser as author.
 * 3. Both are stored in one write, the report as a draft with its slug claimed.
 */
export const createReport = async (
  ports: ReportPorts,
  content: ReportContent & { readonly slug?: string },
  author: Organiser,
): Promise<Report> => {
  await assertMeeting(ports, content.meetingId);
  const now = ports.clock.now();
  const drafted = newReport(content, ports.render(content.body), {
    reportId: ports.ids.next(),
    author: author.subject,
    now,
  });
  const announcement: Mailing = {
    ...newMailing(reportAnnouncement(drafted, { url: ports.reportUrl(drafted.slug) }), author, {
      mailingId: ports.ids.next(),
      now,
    }),
    announcesReport: drafted.reportId,
  };
  const report: Report = { ...drafted, announcementId: announcement.mailingId };
  await ports.store.create(report, { mailing: announcement, rendered: ports.renderMail(announcement) });
  return report;
};

export const findReport = async (
  ports: { readonly store: Pick<ReportStore, 'get'> },
  reportId: string,
): Promise<Report> => {
  const report = await ports.store.get(reportId);
  if (!report) throw new NotFound('Deze publicatie bestaat niet.');
  return report;
};

/** What an announcement quotes: a change to any of it drafts an untouched announcement again. */
const announced = (report: Report): string =>
  JSON.stringify([
    report.title,
    report.summary,
    report.kind,
    report.visibility,
    report.meetingId,
    report.slug,
  ]);

/**
 * The announcement drafted again from the changed report, while nobody touched it (a draft at version 1,
 * without test-sends or approval): its title, link, button and audience (a meeting linked later brings its
 * confirmed participants) follow the report. Once an organiser edited it, it is theirs, and stays.
 */
const redraftedAnnouncement = async (
  ports: ReportPorts,
  report: Report,
  next: Report,
): Promise<AnnouncementWrite | undefined> => {
  if (!report.announcementId || announced(report) === announced(next)) return undefined;
  const stored = await ports.mailings.get(report.announcementId);
  const untouched =
    stored?.mailing.status === 'draft' &&
    stored.mailing.version === 1 &&
    !stored.mailing.testSends?.length &&
    stored.mailing.approval === undefined;
  if (!stored || !untouched) return undefined;
  const content = reportAnnouncement(next, { url: ports.reportUrl(next.slug) });
  const mailing: Mailing = {
    ...stored.mailing,
    ...content,
    updatedAt: ports.clock.now().toISOString(),
  };
  return { previous: stored.mailing, next: { mailing, rendered: ports.renderMail(mailing) } };
};

/**
 * An organiser changes a report (If-Match), published or not; the body is rendered again, and an untouched
 * announcement follows it, in the same write.
 */
export const updateReport = async (
  ports: ReportPorts,
  reportId: string,
  expectedVersion: number,
  changes: ReportChanges,
): Promise<Report> => {
  const report = await findReport(ports, reportId);
  await assertMeeting(ports, changes.meetingId);
  const bodyHtml = changes.body === undefined ? report.bodyHtml : ports.render(changes.body);
  const next = editReport(report, expectedVersion, changes, bodyHtml, ports.clock.now());
  await ports.store.replace(report, next, await redraftedAnnouncement(ports, report, next));
  return next;
};

/** What a visitor asks for by address: the report, or where it moved to. */
export type PublicReportLookup =
  | { readonly type: 'report'; readonly report: Report }
  | { readonly type: 'moved'; readonly slug: string };

/** A published report by its address; an old address redirects; anything else is not found. */
export const publicReport = async (
  ports: { readonly store: Pick<ReportStore, 'bySlug'> },
  slug: string,
): Promise<PublicReportLookup> => {
  const report = isSlug(slug) ? await ports.store.bySlug(slug) : undefined;
  if (report?.status !== 'published') throw new NotFound('Deze publicatie bestaat niet (meer).');
  return report.slug === slug ? { type: 'report', report } : { type: 'moved', slug: report.slug };
};
