import { amsterdamInstant, amsterdamLocalParts } from '../amsterdam-time';
import type { MeetingCatalogue } from '../meetings/catalogue';
import { upcomingMeetings } from '../meetings/catalogue';
import type { Meeting } from '../meetings/model';
import { ConcurrentChange } from '../ports';
import { type ReportSummary, reportKindNames } from '../reports/report';
import type { ReportStore } from '../reports/use-cases';
import { dutchMonths, dutchWhen, escapeMarkdown, meetingPlace } from './announcement';
import type { RenderedMailing, StoredMailing } from './drafts';
import {
  cancelMailing,
  type Mailing,
  type MailingAuthor,
  type MailingContent,
  newMailing,
  StaleMailing,
  sendNow,
} from './mailing';
import type { OutboxMail } from './outbox';

/**
 * The Vooruitblik (docs/architecture.md, "The Vooruitblik"): a monthly digest to topic `nieuwsbrief` of the
 * meetings ahead and the publications since the last one. It goes out on the first Monday of the month at
 * 09.00 in Amsterdam (its recurring schedule, `cron(0 9 ? * MON#1 *)`); three working days before, another
 * schedule drafts it and mails the organisers a preview link. It goes out at its time only when it was
 * drafted (there was news) and an organiser approved the version it is: it has no author, so one approval
 * is the four eyes here. One digest per time: its mailing's id is derived from the time, created
 * conditionally, and started only from draft.
 */

export const vooruitblikSchedules = {
  /** Every working day at 09.00: drafts only on the day that lies three working days before the digest. */
  draft: 'cron(0 9 ? * MON-FRI *)',
  /** The first Monday of every month at 09.00. */
  send: 'cron(0 9 ? * MON#1 *)',
} as const;

export type VooruitblikStep = keyof typeof vooruitblikSchedules | 'now';

/** How many working days (Monday to Friday) before its time a digest is drafted. */
export const draftWorkingDaysAhead = 3;

/** How many upcoming meetings a digest lists. */
const maxMeetings = 10;

/** Who a digest is written by, for the mailing's author: nobody, so any organiser may approve it. */
export const vooruitblikAuthor: MailingAuthor = { subject: 'system:vooruitblik', name: 'Vooruitblik' };

const isoDate = (year: number, month: number, day: number): string =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** The Amsterdam date of an instant, YYYY-MM-DD. */
const amsterdamDate = (instant: Date): string => {
  const { year, month, day } = amsterdamLocalParts(instant);
  return isoDate(year, month, day);
};

/** 09.00 in Amsterdam on the first Monday of a month. */
const firstMondayNine = (year: number, month: number): Date => {
  const weekdayOfFirst = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const day = 1 + ((8 - weekdayOfFirst) % 7);
  return amsterdamInstant({ year, month, day, hour: 9, minute: 0 });
};

/** The digest time at or after `instant`: the first Monday of its month at 09.00, or of a later month. */
export const digestTimeFrom = (instant: Date): Date => {
  let { year, month } = amsterdamLocalParts(instant);
  for (;;) {
    const time = firstMondayNine(year, month);
    if (time.getTime() >= instant.getTime()) return time;
    month = (month % 12) + 1;
    if (month === 1) year += 1;
  }
};

/** The digest time a month before this one. */
const previousDigestTime = (digestTime: Date): Date => {
  const { year, month } = amsterdamLocalParts(digestTime);
  return month === 1 ? firstMondayNine(year - 1, 12) : firstMondayNine(year, month - 1);
};

/** When the previous digest was drafted: where "since the last one" starts when none went out yet. */
const previousDraftTime = (digestTime: Date): Date => {
  const [year, month, day] = draftDateOf(previousDigestTime(digestTime)).split('-').map(Number) as [
    number,
    number,
    number,
  ];
  return amsterdamInstant({ year, month, day, hour: 9, minute: 0 });
};

/** The Amsterdam date (YYYY-MM-DD) `draftWorkingDaysAhead` working days before the digest's day. */
export const draftDateOf = (digestTime: Date): string => {
  const { year, month, day } = amsterdamLocalParts(digestTime);
  const date = new Date(Date.UTC(year, month - 1, day));
  for (let left = draftWorkingDaysAhead; left > 0; ) {
    date.setUTCDate(date.getUTCDate() - 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return isoDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
};

/** The digest's mailing id: one per digest time, so a second draft of the same time finds the first. */
export const digestMailingId = (digestTime: Date): string =>
  `vooruitblik-${amsterdamDate(digestTime).replaceAll('-', '')}`;

// --- The content ----------------------------------------------------------------------------------------------

export interface VooruitblikNews {
  /** The meetings ahead, earliest first; `isNew` when published since the last digest. */
  readonly meetings: readonly (Meeting & { readonly isNew: boolean })[];
  /** Reports first published since the last digest, newest first. */
  readonly reports: readonly ReportSummary[];
}

/** News: a meeting or a report that came since the last digest. Meetings already announced alone are not. */
export const hasNews = (news: VooruitblikNews): boolean =>
  news.reports.length > 0 || news.meetings.some((meeting) => meeting.isNew);

export interface VooruitblikLinks {
  readonly meetingUrl: (meeting: { readonly meetingId: string; readonly slug?: string }) => string;
  readonly reportUrl: (slug: string) => string;
}

/** The digest as a mailing's content: Markdown, every quoted text escaped, to topic `nieuwsbrief`. */
export const vooruitblikContent = (
  news: VooruitblikNews,
  digestTime: Date,
  links: VooruitblikLinks,
): MailingContent => {
  const { year, month } = amsterdamLocalParts(digestTime);
  const period = `${dutchMonths[month - 1]} ${year}`;
  const meetings = news.meetings.map(
    (meeting) =>
      `- **[${escapeMarkdown(meeting.title.trim())}](${links.meetingUrl(meeting)})**${meeting.isNew ? ' (nieuw)' : ''}  \n` +
      `  ${escapeMarkdown(`${dutchWhen(meeting.startsAt, meeting.endsAt)}, ${meetingPlace(meeting)}`)}`,
  );
  const reports = news.reports.map(
    (report) =>
      `- **[${escapeMarkdown(report.title.trim())}](${links.reportUrl(report.slug)})** (${escapeMarkdown(reportKindNames[report.kind])})  \n` +
      `  ${escapeMarkdown(report.summary.trim().split(/\r?\n/)[0] ?? '')}`,
  );
  const counts = [
    news.reports.length === 1 ? '1 nieuwe publicatie' : `${news.reports.length} nieuwe publicaties`,
    news.meetings.length === 1
      ? '1 bijeenkomst op de agenda'
      : `${news.meetings.length} bijeenkomsten op de agenda`,
  ];
  return {
    subject: `Vooruitblik ${period}`,
    preheader: `${counts.join(' en ')}.`,
    body: [
      `## Vooruitblik ${period}`,
      'Wat er de komende tijd op de agenda staat bij Drop In, en wat er sinds de vorige Vooruitblik verscheen.',
      ...(meetings.length ? ['### Bijeenkomsten', meetings.join('\n')] : []),
      ...(reports.length ? ['### Nieuwe publicaties', reports.join('\n')] : []),
    ].join('\n\n'),
    audience: { topics: ['nieuwsbrief'] },
  };
};

// --- The use case -----------------------------------------------------------------------------------------------

export interface DigestStore {
  get(mailingId: string): Promise<StoredMailing | undefined>;
  /** The draft and the organisers' preview alerts, in one write; ConcurrentChange when the digest exists. */
  createDraft(stored: StoredMailing, alerts: readonly OutboxMail[]): Promise<void>;
  /**
   * The draft starts sending (conditional on the version and status read, StaleMailing otherwise) and becomes
   * the last digest sent, in one write: its time, and when its news was gathered (its `createdAt`).
   */
  startSending(previous: Mailing, next: StoredMailing): Promise<void>;
  /** Conditional as MailingStore.replace. */
  replace(previous: Mailing, next: StoredMailing): Promise<void>;
  /**
   * Until when the last digest that went out gathered its news (ISO), if any went out: what came after is
   * news for the next, also what came between that draft and its sending.
   */
  newsUntil(): Promise<string | undefined>;
}

export interface VooruitblikPorts extends VooruitblikLinks {
  readonly digests: DigestStore;
  readonly meetings: Pick<MeetingCatalogue, 'listMeetings'>;
  readonly reports: Pick<ReportStore, 'list'>;
  readonly render: (content: Pick<MailingContent, 'subject' | 'preheader' | 'body'>) => RenderedMailing;
  /** The organisers' preview alerts for a drafted digest (who gets them is configuration). */
  readonly previewAlerts: (digest: Mailing) => Promise<readonly OutboxMail[]>;
  readonly clock: { now(): Date };
}

export type VooruitblikOutcome =
  | 'not-today'
  | 'no-news'
  | 'drafted'
  | 'exists'
  | 'sent'
  | 'not-approved'
  | 'no-digest'
  | 'ignored';

/** How many published reports one read of the archive takes. */
const reportsPage = 100;
/** The most pages of the archive one draft reads (a few hundred reports in the programme's lifetime). */
const maxReportPages = 20;

/**
 * What is new since the last digest: the meetings still ahead when the digest goes out (one in the days
 * between the draft and the send is over by then), and the reports first published since. The archive is
 * ordered by the date a report carries, not by when it went online, so all of it is read.
 */
const newsSince = async (
  ports: VooruitblikPorts,
  since: string,
  digestTime: Date,
): Promise<VooruitblikNews> => {
  const [meetings, reports] = await Promise.all([
    upcomingMeetings(ports.meetings, digestTime, maxMeetings),
    publishedReports(ports),
  ]);
  return {
    meetings: meetings
      .filter((meeting) => meeting.status === 'published')
      .map((meeting) => ({ ...meeting, isNew: (meeting.publishedAt ?? meeting.createdAt) > since })),
    reports: reports
      .filter((report) => (report.firstPublishedAt ?? '') > since)
      .sort((a, b) => (b.firstPublishedAt ?? '').localeCompare(a.firstPublishedAt ?? '')),
  };
};

const publishedReports = async (ports: VooruitblikPorts): Promise<ReportSummary[]> => {
  const reports: ReportSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxReportPages; page++) {
    const { items, nextCursor } = await ports.reports.list({
      status: 'published',
      limit: reportsPage,
      ...(cursor ? { cursor } : {}),
    });
    reports.push(...items);
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return reports;
};

/**
 * Drafts the digest for `digestTime`: nothing when it exists already (a second firing) or when there is no
 * news; otherwise the draft and the organisers' preview alerts in one write.
 */
const draftDigest = async (ports: VooruitblikPorts, digestTime: Date): Promise<VooruitblikOutcome> => {
  const mailingId = digestMailingId(digestTime);
  if (await ports.digests.get(mailingId)) return 'exists';
  const now = ports.clock.now();
  // Before any digest went out: what came in the month before (since the previous digest's draft day).
  const since = (await ports.digests.newsUntil()) ?? previousDraftTime(digestTime).toISOString();
  const news = await newsSince(ports, since, digestTime);
  if (!hasNews(news)) return 'no-news';
  const content = vooruitblikContent(news, digestTime, ports);
  const mailing: Mailing = {
    ...newMailing(content, { ...vooruitblikAuthor, groups: [] }, { mailingId, now }),
    digestFor: digestTime.toISOString(),
  };
  try {
    await ports.digests.createDraft(
      { mailing, rendered: ports.render(mailing) },
      await ports.previewAlerts(mailing),
    );
  } catch (error) {
    if (error instanceof ConcurrentChange) return 'exists';
    throw error;
  }
  return 'drafted';
};

/**
 * Sends the digest for `digestTime`: only a draft approved at its current version starts (with the time
 * recorded as the last digest sent); one not approved is cancelled with a notice, and nothing goes out.
 */
const sendDigest = async (ports: VooruitblikPorts, digestTime: Date): Promise<VooruitblikOutcome> => {
  const stored = await ports.digests.get(digestMailingId(digestTime));
  if (!stored) return 'no-digest';
  const { mailing } = stored;
  if (mailing.status !== 'draft') return 'ignored';
  const now = ports.clock.now();
  try {
    if (mailing.approval?.version !== mailing.version) {
      await ports.digests.replace(mailing, {
        ...stored,
        mailing: {
          ...cancelMailing(mailing, now),
          notice:
            'De Vooruitblik is niet verstuurd: geen organisator keurde deze versie goed vóór het verzendtijdstip.',
        },
      });
      return 'not-approved';
    }
    await ports.digests.startSending(mailing, { ...stored, mailing: sendNow(mailing, now) });
  } catch (error) {
    // Another firing (or an organiser) wrote first: whatever it did stands.
    if (error instanceof StaleMailing) return 'ignored';
    throw error;
  }
  return 'sent';
};

/**
 * A firing of the Vooruitblik's schedules, for the time it was scheduled (`scheduledAt`):
 * - `draft`: on the day three working days before the next digest, drafts it; any other day does nothing;
 * - `send`: the digest of that time goes out if it was drafted and approved;
 * - `now` (by hand, offline): sends the next digest if its draft is approved, or drafts it if there is none.
 * Every step is safe to repeat: a digest is created once, and only a draft starts sending.
 */
export const runVooruitblik = async (
  ports: VooruitblikPorts,
  step: VooruitblikStep,
  scheduledAt: Date,
): Promise<{
  readonly outcome: VooruitblikOutcome;
  readonly digestFor: string;
  readonly mailingId: string;
}> => {
  const digestTime = digestTimeFrom(scheduledAt);
  const result = (outcome: VooruitblikOutcome) => ({
    outcome,
    digestFor: digestTime.toISOString(),
    mailingId: digestMailingId(digestTime),
  });
  if (step === 'draft') {
    if (amsterdamDate(scheduledAt) !== draftDateOf(digestTime)) return result('not-today');
    return result(await draftDigest(ports, digestTime));
  }
  if (step === 'send') return result(await sendDigest(ports, digestTime));
  const existing = await ports.digests.get(digestMailingId(digestTime));
  if (!existing) return result(await draftDigest(ports, digestTime));
  const { mailing } = existing;
  if (mailing.status === 'draft' && mailing.approval?.version === mailing.version) {
    return result(await sendDigest(ports, digestTime));
  }
  return result('exists');
};
