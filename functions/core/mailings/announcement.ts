import { amsterdamLocalParts, type Instant } from '../amsterdam-time';
import { DomainError, NotFound } from '../errors';
import type { Meeting, MeetingStatus } from '../meetings/model';
import type { Organiser } from '../organisers/identity';
import { type Report, reportKindNames } from '../reports/report';
import type { Topic } from '../subscriptions/model';
import { createMailingDraft, type MailingDraftPorts, type StoredMailing } from './drafts';
import type { MailingContent } from './mailing';

/**
 * Announcements (docs/architecture.md, "Mailings"): a draft mailing prefilled from something published — a
 * meeting now, a report later — that the organiser then reads, changes and sends like any other draft. The
 * prefill is Markdown, and what it quotes (a title, a description) is escaped, so it reads as typed: a
 * title like `*x*` or `[a](javascript:…)` stays text.
 */

/** The longest subject a mailing takes (core/mailings/mailing.ts); a long title is shortened to fit. */
const maxSubjectLength = 200;

/** The call to action at the end of an announcement: an absolute http(s) link. */
export interface AnnouncementLink {
  readonly label: string;
  readonly url: string;
}

export interface AnnouncementParts {
  /** Plain text, as the subject line shows it. */
  readonly subject: string;
  readonly preheader?: string;
  /** Markdown blocks, in order; anything quoted in them already escaped (escapeMarkdown). */
  readonly paragraphs: readonly string[];
  readonly link: AnnouncementLink;
  /** Who it goes to: the confirmed subscribers of these topics. */
  readonly topics: readonly Topic[];
}

/**
 * Text as Markdown that renders to that same text: the characters that start emphasis, code, links, HTML,
 * headings, quotes, lists, rules or entities are escaped, and no line is indented into a code block.
 */
export const escapeMarkdown = (text: string): string =>
  text
    .split(/\r?\n/)
    .map((line) =>
      line
        .trim()
        .replace(/[\\`*_[\]<>#|~]/g, '\\$&')
        .replace(/&(?=#?\w+;)/g, '\\&')
        .replace(/^([-+=])/, '\\$1')
        .replace(/^(\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');

/** A link destination Markdown cannot misread: no spaces, parentheses or angle brackets left raw. */
const linkDestination = (url: string): string =>
  url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

/** The draft an announcement starts as: the blocks, then the link on its own line. */
export const announcementDraft = ({
  subject,
  preheader,
  paragraphs,
  link,
  topics,
}: AnnouncementParts): MailingContent => ({
  subject,
  ...(preheader !== undefined ? { preheader } : {}),
  body: [...paragraphs, `[${escapeMarkdown(link.label)}](${linkDestination(link.url)})`].join('\n\n'),
  audience: { topics: [...topics] },
});

// --- Dates as people in the Netherlands read them --------------------------------------------------------

const weekdays = ['zondag', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag'];
/** The months as Dutch writes them, January first. */
export const dutchMonths = [
  'januari',
  'februari',
  'maart',
  'april',
  'mei',
  'juni',
  'juli',
  'augustus',
  'september',
  'oktober',
  'november',
  'december',
];
const two = (n: number): string => String(n).padStart(2, '0');

/** "zondag 28 maart 2027", in Amsterdam (as functions/web/time.ts writes it, without Intl's locale data). */
export const dutchDate = (instant: Instant): string => {
  const { year, month, day } = amsterdamLocalParts(instant);
  const weekday = weekdays[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
  return `${weekday} ${day} ${dutchMonths[month - 1]} ${year}`;
};

const dutchTime = (instant: Instant): string => {
  const { hour, minute } = amsterdamLocalParts(instant);
  return `${two(hour)}.${two(minute)}`;
};

/** "zondag 28 maart 2027, 13.30–16.30 uur", or "… 13.30 uur tot maandag 29 maart 2027, 12.00 uur". */
export const dutchWhen = (startsAt: Instant, endsAt: Instant): string =>
  dutchDate(startsAt) === dutchDate(endsAt)
    ? `${dutchDate(startsAt)}, ${dutchTime(startsAt)}–${dutchTime(endsAt)} uur`
    : `${dutchDate(startsAt)}, ${dutchTime(startsAt)} uur tot ${dutchDate(endsAt)}, ${dutchTime(endsAt)} uur`;

// --- A meeting's announcement ------------------------------------------------------------------------------

const isOnline = (text: string): boolean => text.trim().toLowerCase() === 'online';

/**
 * Where a meeting is: "venue, city". The meeting model has no separate online flag; a meeting whose city or
 * address is just "online" is online.
 */
export const meetingPlace = (meeting: Pick<Meeting, 'city' | 'venueAddress'>): string => {
  if (isOnline(meeting.city) || isOnline(meeting.venueAddress)) return 'online';
  const city = meeting.city.trim();
  const venue = meeting.venueAddress.trim();
  // An address that already ends in its city does not name it twice.
  if (!city || venue.toLowerCase().endsWith(city.toLowerCase())) return venue || city;
  return venue ? `${venue}, ${city}` : city;
};

/** The description up to its first blank line. */
const firstParagraph = (description: string): string => description.trim().split(/\r?\n\s*\r?\n/)[0] ?? '';

const fitSubject = (before: string, title: string, after: string): string => {
  const room = maxSubjectLength - before.length - after.length;
  const fitted = title.length <= room ? title : `${title.slice(0, Math.max(0, room - 1)).trimEnd()}…`;
  return `${before}${fitted}${after}`;
};

/**
 * The announcement of a published meeting to the subscribers of `bijeenkomsten`: its title, when (in
 * Amsterdam), where, the first paragraph of its description and the link to its public page (absolute,
 * `url`), where people register.
 */
export const meetingAnnouncement = (
  meeting: Pick<Meeting, 'title' | 'description' | 'city' | 'venueAddress' | 'startsAt' | 'endsAt'>,
  { url }: { readonly url: string },
): MailingContent => {
  const title = meeting.title.trim();
  const place = meetingPlace(meeting);
  const intro = firstParagraph(meeting.description);
  return announcementDraft({
    subject: fitSubject('Nieuwe bijeenkomst: ', title, ` op ${dutchDate(meeting.startsAt)}`),
    preheader: `${dutchWhen(meeting.startsAt, meeting.endsAt)}, ${place === 'online' ? 'online' : `in ${meeting.city.trim() || place}`}. Meld je nu aan.`,
    paragraphs: [
      `## ${escapeMarkdown(title)}`,
      [
        `- **Wanneer:** ${escapeMarkdown(dutchWhen(meeting.startsAt, meeting.endsAt))}`,
        `- **Waar:** ${escapeMarkdown(place)}`,
      ].join('\n'),
      ...(intro ? [escapeMarkdown(intro)] : []),
    ],
    link: { label: 'Lees meer en meld je aan', url },
    topics: ['bijeenkomsten'],
  });
};

// --- A report's announcement -------------------------------------------------------------------------------

/**
 * The announcement of a report to the subscribers of `publicaties` and, for a meeting's report, to that
 * meeting's confirmed participants: its title, kind, summary and the link to its page (absolute, `url`).
 * An on-request report says that it is asked for on that page.
 */
export const reportAnnouncement = (
  report: Pick<Report, 'title' | 'kind' | 'summary' | 'meetingId' | 'visibility'>,
  { url }: { readonly url: string },
): MailingContent => {
  const title = report.title.trim();
  const onRequest = report.visibility === 'on-request';
  const kind = reportKindNames[report.kind];
  const content = announcementDraft({
    subject: fitSubject('Nieuwe publicatie: ', title, ''),
    preheader: fitSubject(`${kind}: `, report.summary.trim().split(/\r?\n/)[0] ?? '', ''),
    paragraphs: [
      `## ${escapeMarkdown(title)}`,
      `*${escapeMarkdown(kind)}*`,
      escapeMarkdown(report.summary),
      ...(onRequest
        ? [
            'Deze publicatie is op aanvraag beschikbaar: vraag haar aan via de pagina, dan krijg je een downloadlink per e-mail.',
          ]
        : []),
    ],
    link: { label: onRequest ? 'Vraag de publicatie aan' : 'Lees de publicatie', url },
    topics: ['publicaties'],
  });
  return report.meetingId
    ? {
        ...content,
        audience: { topics: ['publicaties'], meeting: report.meetingId, registrations: 'confirmed' },
      }
    : content;
};

// --- The use case ------------------------------------------------------------------------------------------

const meetingStatusLabels: Readonly<Record<MeetingStatus, string>> = {
  draft: 'concept',
  published: 'gepubliceerd',
  cancelled: 'geannuleerd',
};

/** A meeting that is not published and still to come: announcing it would invite people to nothing. */
export class MeetingNotAnnounceable extends DomainError {
  readonly code = 'meeting-not-announceable';
  constructor(
    readonly status: MeetingStatus,
    message: string,
  ) {
    super(message);
  }
}

/** Published and not yet begun; otherwise a 409 that names the status in Dutch. */
export const assertAnnounceable = (meeting: Meeting, now: Date): void => {
  const label = `(status: ${meetingStatusLabels[meeting.status]})`;
  if (meeting.status === 'draft') {
    throw new MeetingNotAnnounceable(
      meeting.status,
      `Deze bijeenkomst is nog een concept ${label}; aankondigen kan pas als ze gepubliceerd is.`,
    );
  }
  if (meeting.status === 'cancelled') {
    throw new MeetingNotAnnounceable(
      meeting.status,
      `Deze bijeenkomst is geannuleerd ${label}; aankondigen kan niet.`,
    );
  }
  if (Date.parse(meeting.startsAt) <= now.getTime()) {
    throw new MeetingNotAnnounceable(
      meeting.status,
      `Deze bijeenkomst is al begonnen of voorbij ${label}; aankondigen kan niet.`,
    );
  }
};

export interface MeetingAnnouncementPorts extends MailingDraftPorts {
  /** The absolute address of a meeting's public page, where people register. */
  readonly meetingUrl: (meeting: Pick<Meeting, 'meetingId' | 'slug'>) => string;
}

/** What the organiser may set instead of the prefill; the rest they change in the draft afterwards. */
export type AnnouncementOverrides = Partial<Pick<MailingContent, 'subject' | 'preheader'>>;

/**
 * An organiser announces a meeting.
 * 1. Read it: missing → 404; a draft, cancelled, or begun already → 409 that names its status.
 * 2. Prefill a mailing from it (meetingAnnouncement), with the organiser's subject or preheader if given.
 * 3. Create it as any draft is created (createMailingDraft): rendered once, version 1, the caller its author.
 */
export const announceMeeting = async (
  ports: MeetingAnnouncementPorts,
  meetingId: string,
  author: Organiser,
  overrides: AnnouncementOverrides = {},
): Promise<StoredMailing> => {
  const meeting = await ports.meetings.getMeeting(meetingId);
  if (!meeting) throw new NotFound('Deze bijeenkomst bestaat niet.');
  assertAnnounceable(meeting, ports.clock.now());
  const content = meetingAnnouncement(meeting, { url: ports.meetingUrl(meeting) });
  return createMailingDraft(ports, { ...content, ...overrides }, author);
};
