import { DomainError, type FieldIssue, InvalidInput } from '../errors';

/**
 * A report: something the programme publishes — the annual update, interim results of the research
 * workshops, a meeting's report, a publication. This file is the pure model: what a report is, its address
 * (the slug), and its status. Every function takes a report and returns the next one, or throws a domain
 * error; storing and rendering are other files' work.
 *
 * Status: draft → scheduled by schedule (and a scheduled report is scheduled again for another time); draft or
 * scheduled → published by publish (now, or when its schedule fires); published or scheduled → draft by
 * unpublish. Editing is allowed in every status (a published report changes where it stands); every edit
 * needs the version the organiser read.
 */

export const reportKinds = [
  'jaarupdate',
  'tussentijdse-resultaten',
  'verslag-bijeenkomst',
  'publicatie',
] as const;
export type ReportKind = (typeof reportKinds)[number];

/** How the kinds are named on the site. */
export const reportKindNames: Readonly<Record<ReportKind, string>> = {
  jaarupdate: 'Jaarupdate',
  'tussentijdse-resultaten': 'Tussentijdse resultaten',
  'verslag-bijeenkomst': 'Verslag van een bijeenkomst',
  publicatie: 'Publicatie',
};

/** Public: on the site for everyone. On request: the page says what it is; the document is asked for. */
export const reportVisibilities = ['public', 'on-request'] as const;
export type ReportVisibility = (typeof reportVisibilities)[number];

export const reportStatuses = ['draft', 'scheduled', 'published'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

/** What an organiser writes. */
export interface ReportContent {
  readonly title: string;
  readonly kind: ReportKind;
  readonly summary: string;
  /** Markdown, rendered once when saved (`bodyHtml`). */
  readonly body: string;
  /** The date the report carries (YYYY-MM-DD), which orders the archive. */
  readonly publishedOn: string;
  readonly meetingId?: string;
  readonly visibility: ReportVisibility;
  /** On request only: an organiser approves each request before its download link goes out. */
  readonly approveRequests?: boolean;
}

/** The report's PDF, kept privately (core/reports/documents.ts). */
export interface ReportDocument {
  /** Its object key: `reports/<reportId>/<documentId>.pdf`. */
  readonly key: string;
  /** The name a download is saved as. */
  readonly filename: string;
  readonly bytes: number;
  readonly uploadedAt: string;
}

export interface Report extends ReportContent {
  readonly reportId: string;
  /** Its address: /publicaties/<slug>. Unique; a changed slug keeps the old address as a redirect. */
  readonly slug: string;
  readonly status: ReportStatus;
  readonly version: number;
  /** The body as safe HTML (web/safe-markdown.ts), rendered when saved. */
  readonly bodyHtml: string;
  readonly createdAt: string;
  /** The last change of its content: the feed's `updated`. */
  readonly updatedAt: string;
  /** When it was first published. */
  readonly firstPublishedAt?: string;
  readonly createdBy: string;
  /**
   * The mailing that announces it (a draft made with the report): it goes out when the report is first
   * published, once. The organiser edits it like any draft, or deletes it to publish without one.
   */
  readonly announcementId?: string;
  /** While scheduled: the instant (UTC) its schedule publishes it. */
  readonly scheduledAt?: string;
  /** Why the last scheduled publication did not go ahead (it went back to draft); cleared by the next move. */
  readonly notice?: string;
  /** Its PDF: a download link for a public report, by request for one on request. */
  readonly document?: ReportDocument;
}

/** A report as a list shows it: everything but the body. */
export type ReportSummary = Omit<Report, 'body' | 'bodyHtml'>;

export const maxSlugLength = 80;
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Whether a text can be a report's address at all (a visitor's URL is checked before any read). */
export const isSlug = (text: string): boolean => text.length <= maxSlugLength && slugPattern.test(text);

/** A title as an address: lower case, accents off, words joined by dashes, at most 80 characters. */
export const slugOf = (title: string): string => {
  const words = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' en ')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > maxSlugLength) break;
    slug = next;
  }
  return slug || words[0]?.slice(0, maxSlugLength) || '';
};

/** A report's slug is taken by another report. */
export class SlugTaken extends DomainError {
  readonly code = 'slug-taken';
  constructor(readonly slug: string) {
    super(`Het adres /publicaties/${slug} is al in gebruik. Kies een ander adres (slug).`);
  }
}

/** Another write came between the organiser's read and this change. */
export class StaleReport extends DomainError {
  readonly code = 'stale-version';
  constructor() {
    super('De publicatie is intussen gewijzigd. Haal haar opnieuw op en probeer het nog eens.');
  }
}

/** An action the report's status does not allow: a 409 that names the status. */
export class ReportConflict extends DomainError {
  readonly code = 'report-conflict';
  constructor(
    readonly status: ReportStatus,
    message: string,
  ) {
    super(message);
  }
}

const statusNames: Readonly<Record<ReportStatus, string>> = {
  draft: 'een concept',
  scheduled: 'ingepland',
  published: 'gepubliceerd',
};

const isCalendarDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
};

const assertContent = (report: Pick<Report, 'slug' | 'publishedOn'>): void => {
  const issues: FieldIssue[] = [];
  if (!slugPattern.test(report.slug) || report.slug.length > maxSlugLength) {
    issues.push({
      field: 'slug',
      message: `Een adres bestaat uit kleine letters, cijfers en streepjes, hoogstens ${maxSlugLength} tekens.`,
    });
  }
  if (!isCalendarDate(report.publishedOn)) {
    issues.push({ field: 'publishedOn', message: 'Geef een bestaande datum als JJJJ-MM-DD.' });
  }
  if (issues.length) throw new InvalidInput(issues);
};

/** A new report, as a draft at version 1; the slug is derived from the title unless given. */
export const newReport = (
  content: ReportContent & { readonly slug?: string },
  bodyHtml: string,
  by: { readonly reportId: string; readonly author: string; readonly now: Date },
): Report => {
  const { slug, ...rest } = content;
  const derived = slug ?? slugOf(content.title);
  if (derived === '') {
    throw new InvalidInput([
      { field: 'slug', message: 'Uit deze titel valt geen adres te maken: geef zelf een slug.' },
    ]);
  }
  const report: Report = {
    ...rest,
    reportId: by.reportId,
    slug: derived,
    status: 'draft',
    version: 1,
    bodyHtml,
    createdAt: by.now.toISOString(),
    updatedAt: by.now.toISOString(),
    createdBy: by.author,
  };
  assertContent(report);
  return report;
};

/** The organiser's changes, on the version they read; `meetingId: null` removes the link to a meeting. */
export type ReportChanges = Partial<Omit<ReportContent, 'meetingId'>> & {
  readonly slug?: string;
  readonly meetingId?: string | null;
};

export const editReport = (
  report: Report,
  expectedVersion: number,
  changes: ReportChanges,
  bodyHtml: string,
  now: Date,
): Report => {
  if (report.version !== expectedVersion) throw new StaleReport();
  const { meetingId: changedMeeting, ...rest } = changes;
  const { meetingId: previousMeeting, ...withoutMeeting } = report;
  const meetingId = changedMeeting === null ? undefined : (changedMeeting ?? previousMeeting);
  const next: Report = {
    ...withoutMeeting,
    ...rest,
    ...(meetingId ? { meetingId } : {}),
    bodyHtml,
    version: report.version + 1,
    updatedAt: now.toISOString(),
  };
  assertContent(next);
  return next;
};

/** What each status action needs, leads to, and says when the report is elsewhere. */
const statusActions = {
  publish: {
    from: ['draft', 'scheduled'],
    to: 'published',
    needs: 'publiceren kan alleen vanuit een concept of een ingeplande publicatie',
  },
  schedule: {
    from: ['draft', 'scheduled'],
    to: 'scheduled',
    needs: 'inplannen kan alleen vanuit een concept (of een andere tijd voor een ingeplande publicatie)',
  },
  unpublish: {
    from: ['published', 'scheduled'],
    to: 'draft',
    needs: 'alleen een gepubliceerde of ingeplande publicatie kan offline',
  },
} as const satisfies Record<string, { from: readonly ReportStatus[]; to: ReportStatus; needs: string }>;

export type ReportAction = keyof typeof statusActions;
export const reportActions = Object.keys(statusActions) as readonly ReportAction[];

/**
 * Publish (a draft or scheduled report goes online), schedule (see scheduleReport) or unpublish (a published
 * report goes back to a draft, its address answers 404 until it is published again; a scheduled one comes
 * off its schedule), on the version read when given. Going online is a change the feed shows: its `updated`
 * is never before its `published`. Every move clears the time it was scheduled for and an earlier notice.
 */
export const moveReport = (
  report: Report,
  action: ReportAction,
  expectedVersion: number | undefined,
  now: Date,
): Report => {
  const { from, to, needs } = statusActions[action];
  if (!(from as readonly ReportStatus[]).includes(report.status)) {
    throw new ReportConflict(report.status, `Deze publicatie is ${statusNames[report.status]}: ${needs}.`);
  }
  if (expectedVersion !== undefined && report.version !== expectedVersion) throw new StaleReport();
  const { scheduledAt: _scheduledAt, notice: _notice, ...rest } = report;
  return {
    ...rest,
    status: to,
    version: report.version + 1,
    ...(to === 'published'
      ? { firstPublishedAt: report.firstPublishedAt ?? now.toISOString(), updatedAt: now.toISOString() }
      : {}),
  };
};

/** Scheduled for `at`, which must lie in the future: the schedule publishes it then (publishScheduled). */
export const scheduleReport = (
  report: Report,
  at: Date,
  expectedVersion: number | undefined,
  now: Date,
): Report => {
  const next = moveReport(report, 'schedule', expectedVersion, now);
  if (Number.isNaN(at.getTime())) {
    throw new InvalidInput([{ field: 'at', message: 'Geef een tijdstip met datum, tijd en tijdzone.' }]);
  }
  if (at.getTime() <= now.getTime()) {
    throw new InvalidInput([{ field: 'at', message: 'Het tijdstip moet in de toekomst liggen.' }]);
  }
  return { ...next, scheduledAt: at.toISOString() };
};

/**
 * The schedule fired for `scheduledAt`. Schedules fire at least once: a firing for a report no longer
 * scheduled for that instant (published already, taken off, moved) is ignored, never an error.
 */
export const publishScheduled = (
  report: Report,
  scheduledAt: string,
  now: Date,
): { readonly outcome: 'publish'; readonly report: Report } | { readonly outcome: 'ignored' } =>
  report.status === 'scheduled' && report.scheduledAt === scheduledAt
    ? { outcome: 'publish', report: moveReport(report, 'publish', undefined, now) }
    : { outcome: 'ignored' };

/** A scheduled publication that did not go ahead: back to draft, with the reason for the organiser. */
export const scheduleRefused = (report: Report, reason: string, now: Date): Report => ({
  ...moveReport(report, 'unpublish', undefined, now),
  notice: `De geplande publicatie is niet doorgegaan. ${reason}`,
});
