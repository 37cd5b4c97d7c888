import {
  amsterdamLocalParts,
  amsterdamTimeZone,
  instantDate,
  isRepeatedAmsterdamWallTime,
} from '../../core/amsterdam-time';
import type { MeetingDetails } from '../../core/meetings/model';
import { meetingPath } from '../../paths';

/**
 * iCalendar (RFC 5545) for meetings: the invite a participant's mail carries (RFC 5546 iTIP, METHOD REQUEST
 * or CANCEL) and the public feed a calendar subscribes to. Plain text built here, no library: the rules that
 * matter to Outlook and Google are few and tested with a real parser (test/unit/calendar-ics.test.ts).
 * - Lines end in CRLF and are folded at 75 octets, never inside a UTF-8 character.
 * - TEXT values are escaped; parameter values are quoted.
 * - Times are Amsterdam wall times with TZID and a VTIMEZONE, so the calendar shows the local time the
 *   organiser meant; DTSTAMP is UTC.
 */

export const calendarProductId = '-//Drop In//Bijeenkomsten//NL';
export const calendarName = 'Drop In bijeenkomsten';

/** The meeting fields a calendar event shows. */
export type CalendarMeeting = Pick<
  MeetingDetails,
  'title' | 'description' | 'city' | 'venueAddress' | 'startsAt' | 'endsAt'
> & { readonly meetingId: string };

export interface CalendarPerson {
  readonly address: string;
  readonly name?: string;
}

export interface MeetingInviteInput {
  /** REQUEST adds or updates the event in the attendee's calendar; CANCEL takes it out. */
  readonly method: 'REQUEST' | 'CANCEL';
  /** The meeting, with `url` the absolute address of its public page. */
  readonly meeting: CalendarMeeting & { readonly url: string };
  /** The attendee's SEQUENCE: higher than that of any invite they had before for this meeting. */
  readonly sequence: number;
  /** The mailbox named as ORGANIZER (CN "Drop In"). */
  readonly organiser: { readonly address: string };
  readonly attendee: CalendarPerson;
  /** The domain of the UID (`<meetingId>@<calendarDomain>`). */
  readonly calendarDomain: string;
  /** DTSTAMP: when the invite was made (the change behind it). */
  readonly now: Date | string;
}

/** A meeting in the feed: published, or cancelled and still upcoming. */
export interface FeedMeeting extends CalendarMeeting {
  readonly status: string;
  /** The meeting's own SEQUENCE (raised when its time or place changes and when it is cancelled). */
  readonly sequence: number;
  /** When the meeting last changed: the DTSTAMP and LAST-MODIFIED of its event. */
  readonly updatedAt: string;
}

export interface MeetingFeedOptions {
  readonly calendarDomain: string;
  /** Base of the links to the meeting pages, e.g. `https://dropin.example.org`. */
  readonly siteUrl: string;
}

// ---- Content lines ----

const crlf = '\r\n';
const maxLineOctets = 75;

const utf8Octets = (codePoint: number): number =>
  codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;

/**
 * Folds one content line (RFC 5545 3.1): no physical line longer than 75 octets, a continuation starting
 * with one space. It breaks between code points, so no UTF-8 character is ever split.
 */
export const foldLine = (line: string): string => {
  let folded = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Octets(char.codePointAt(0) ?? 0);
    if (octets + size > maxLineOctets) {
      folded += `${crlf} `;
      octets = 1;
    }
    folded += char;
    octets += size;
  }
  return folded;
};

/** Control characters other than HTAB have no place in a content line (RFC 5545 3.1, 3.3.11). */
const withoutControls = (value: string): string =>
  [...value]
    .filter((char) => {
      const code = char.codePointAt(0) ?? 0;
      return code === 0x09 || (code >= 0x20 && code !== 0x7f);
    })
    .join('');

/** A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every line break as `\n`. */
export const escapeText = (value: string): string =>
  withoutControls(
    value
      .replace(/\r\n?/g, '\n')
      .replace(/[\\;,]/g, (char) => `\\${char}`)
      .replace(/\n/g, '\\n'),
  );

/**
 * A parameter value, always quoted so commas, colons and semicolons in a name are safe. A double quote cannot
 * be quoted (RFC 6868's caret escapes are not read by every client), so it becomes a single one.
 */
const paramValue = (value: string): string => `"${withoutControls(value).replace(/"/g, "'")}"`;

const mailto = (address: string): string => `mailto:${withoutControls(address).trim()}`;

type Line = string;

const lines = (...groups: readonly (Line | readonly Line[])[]): Line[] => groups.flat();

const serialise = (contentLines: readonly Line[]): string =>
  contentLines.map((line) => `${foldLine(line)}${crlf}`).join('');

// ---- Times ----

const two = (n: number): string => String(n).padStart(2, '0');

/** `20270328T013000Z`. */
export const utcDateTime = (instant: Date | string): string =>
  instantDate(instant)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

/**
 * DTSTART or DTEND as an Amsterdam wall time with TZID, so calendars show the time the organiser meant. One
 * hour a year is written in UTC instead: in the night the clocks go back, 02.00–03.00 happens twice, and
 * parsers do not agree on which of the two a wall time then means (RFC 5545 3.3.5 says the first, ical.js
 * reads the second). UTC means the same instant to all of them.
 */
const timeProperty = (name: 'DTSTART' | 'DTEND', instant: string): Line => {
  const date = instantDate(instant);
  if (isRepeatedAmsterdamWallTime(date)) return `${name}:${utcDateTime(date)}`;
  const local = amsterdamLocalParts(date);
  const wall = `${local.year}${two(local.month)}${two(local.day)}T${two(local.hour)}${two(local.minute)}${two(local.second)}`;
  return `${name};TZID=${amsterdamTimeZone}:${wall}`;
};

/**
 * Europe/Amsterdam as the EU rules have it since 1996: summer time (CEST, +02:00) from the last Sunday of
 * March 02.00 to the last Sunday of October 03.00, otherwise CET (+01:00).
 */
const amsterdamTimezone: readonly Line[] = [
  'BEGIN:VTIMEZONE',
  `TZID:${amsterdamTimeZone}`,
  'BEGIN:STANDARD',
  'TZNAME:CET',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'TZNAME:CEST',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
];

// ---- Events ----

export const calendarUid = (meetingId: string, calendarDomain: string): string =>
  `${meetingId}@${calendarDomain}`;

const eventDescription = (meeting: CalendarMeeting, url: string, extra: readonly string[] = []): string =>
  [meeting.description.trim(), ...extra, `Meer over de bijeenkomst: ${url}`].filter(Boolean).join('\n\n');

/** What every event of a meeting says, invite or feed. */
const meetingEventLines = (
  meeting: CalendarMeeting,
  {
    uid,
    stamp,
    sequence,
    summary,
    description,
    url,
  }: {
    uid: string;
    stamp: Date | string;
    sequence: number;
    summary: string;
    description: string;
    url: string;
  },
): Line[] => {
  if (!Number.isSafeInteger(sequence) || sequence < 0)
    throw new Error(`Not a calendar SEQUENCE: ${sequence}`);
  return [
    `UID:${escapeText(uid)}`,
    `DTSTAMP:${utcDateTime(stamp)}`,
    `SEQUENCE:${sequence}`,
    timeProperty('DTSTART', meeting.startsAt),
    timeProperty('DTEND', meeting.endsAt),
    `SUMMARY:${escapeText(summary)}`,
    `DESCRIPTION:${escapeText(description)}`,
    `LOCATION:${escapeText(`${meeting.venueAddress}, ${meeting.city}`)}`,
    `URL:${withoutControls(url)}`,
  ];
};

const organiserName = 'Drop In';

/**
 * The invite one participant's mail carries (RFC 5546): METHOD REQUEST puts the meeting in their calendar or
 * updates it (a higher SEQUENCE wins), CANCEL takes it out. It names only this attendee, already accepted
 * and without a reply asked (RSVP=FALSE): registering was the answer. The cancel link is not in it: a
 * calendar is often shared, a mail less so.
 */
export const meetingInvite = ({
  method,
  meeting,
  sequence,
  organiser,
  attendee,
  calendarDomain,
  now,
}: MeetingInviteInput): string => {
  const request = method === 'REQUEST';
  const attendeeParams = [
    ...(attendee.name ? [`CN=${paramValue(attendee.name)}`] : []),
    'CUTYPE=INDIVIDUAL',
    'ROLE=REQ-PARTICIPANT',
    ...(request ? ['PARTSTAT=ACCEPTED'] : []),
    'RSVP=FALSE',
  ];
  return serialise(
    lines(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      `PRODID:${calendarProductId}`,
      'CALSCALE:GREGORIAN',
      `METHOD:${method}`,
      amsterdamTimezone,
      'BEGIN:VEVENT',
      meetingEventLines(meeting, {
        uid: calendarUid(meeting.meetingId, calendarDomain),
        stamp: now,
        sequence,
        summary: meeting.title,
        description: eventDescription(
          meeting,
          meeting.url,
          request ? ['Kun je toch niet komen? Meld je af met de link in de e-mail van Drop In.'] : [],
        ),
        url: meeting.url,
      }),
      `STATUS:${request ? 'CONFIRMED' : 'CANCELLED'}`,
      'TRANSP:OPAQUE',
      `ORGANIZER;CN=${paramValue(organiserName)}:${mailto(organiser.address)}`,
      `ATTENDEE;${attendeeParams.join(';')}:${mailto(attendee.address)}`,
      'END:VEVENT',
      'END:VCALENDAR',
    ),
  );
};

/**
 * The public calendar a participant subscribes to (/bijeenkomsten/agenda.ics): no METHOD, ORGANIZER or
 * ATTENDEE (it is published, not sent). Cancelled meetings stay in it as STATUS:CANCELLED, their title
 * prefixed, because some calendars show a cancelled event without marking it. Events are TRANSPARENT: a
 * meeting you might go to does not make you busy. Every value comes from the meetings, so the same meetings
 * give the same bytes.
 */
export const meetingFeed = (
  meetings: readonly FeedMeeting[],
  { calendarDomain, siteUrl }: MeetingFeedOptions,
): string =>
  serialise(
    lines(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      `PRODID:${calendarProductId}`,
      'CALSCALE:GREGORIAN',
      `NAME:${escapeText(calendarName)}`,
      `X-WR-CALNAME:${escapeText(calendarName)}`,
      `X-WR-CALDESC:${escapeText('De bijeenkomsten van het landelijk kennisnetwerk van Drop In')}`,
      `X-WR-TIMEZONE:${amsterdamTimeZone}`,
      'REFRESH-INTERVAL;VALUE=DURATION:PT6H',
      'X-PUBLISHED-TTL:PT6H',
      amsterdamTimezone,
      meetings.flatMap((meeting) => {
        const cancelled = meeting.status === 'cancelled';
        const url = `${siteUrl}${meetingPath(meeting)}`;
        return [
          'BEGIN:VEVENT',
          ...meetingEventLines(meeting, {
            uid: calendarUid(meeting.meetingId, calendarDomain),
            stamp: meeting.updatedAt,
            sequence: meeting.sequence,
            summary: cancelled ? `Geannuleerd: ${meeting.title}` : meeting.title,
            description: eventDescription(meeting, url),
            url,
          }),
          `LAST-MODIFIED:${utcDateTime(meeting.updatedAt)}`,
          `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
          'TRANSP:TRANSPARENT',
          'END:VEVENT',
        ];
      }),
      'END:VCALENDAR',
    ),
  );
