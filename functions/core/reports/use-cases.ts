import { InvalidInput, NotFound } from '../errors';
import type { Organiser } from '../organisers/identity';
import type { Clock, IdGenerator } from '../ports';
import {
  editReport,
  isSlug,
  moveReport,
  newReport,
  type Report,
  type ReportAction,
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
  /** Writes the report and claims its slug (SlugTaken when another report holds it). */
  create(report: Report): Promise<void>;
  /**
   * Conditional on the version `previous` had (StaleReport otherwise); a changed slug is claimed (SlugTaken),
   * and the old one keeps naming this report.
   */
  replace(previous: Report, next: Report): Promise<void>;
  /** Per status, newest date first, a page at a time, without their bodies; optionally one kind. */
  list(query: {
    readonly status: ReportStatus;
    readonly kind?: ReportKind;
    readonly cursor?: string;
    readonly limit: number;
  }): Promise<ReportPage>;
}

export interface ReportPorts {
  readonly store: ReportStore;
  /** Organiser Markdown as safe HTML. */
  readonly render: (markdown: string) => string;
  /** A meeting a report names must exist. */
  readonly meetings: { getMeeting(meetingId: string): Promise<unknown> };
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

const assertMeeting = async (ports: ReportPorts, meetingId: string | null | undefined): Promise<void> => {
  if (!meetingId || (await ports.meetings.getMeeting(meetingId))) return;
  throw new InvalidInput([{ field: 'meetingId', message: 'Deze bijeenkomst bestaat niet.' }]);
};

/** An organiser writes a report: rendered once, stored as a draft with its slug claimed. */
export const createReport = async (
  ports: ReportPorts,
  content: ReportContent & { readonly slug?: string },
  author: Organiser,
): Promise<Report> => {
  await assertMeeting(ports, content.meetingId);
  const report = newReport(content, ports.render(content.body), {
    reportId: ports.ids.next(),
    author: author.subject,
    now: ports.clock.now(),
  });
  await ports.store.create(report);
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

/** An organiser changes a report (If-Match), published or not; the body is rendered again. */
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
  await ports.store.replace(report, next);
  return next;
};

/** Publish now, or take offline (If-Match when given). */
export const changeReportStatus = async (
  ports: Pick<ReportPorts, 'store' | 'clock'>,
  reportId: string,
  action: ReportAction,
  expectedVersion: number | undefined,
): Promise<Report> => {
  const report = await findReport(ports, reportId);
  const next = moveReport(report, action, expectedVersion, ports.clock.now());
  await ports.store.replace(report, next);
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
