import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { amsterdamLocalParts } from '../../functions/core/amsterdam-time';
import type { OutboxMail, OutboxMailKind } from '../../functions/core/mailings/outbox';
import { meetingMailData } from '../../functions/core/meetings/mail-data';
import { calendarSequence, type Meeting, type Registration } from '../../functions/core/meetings/model';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { type FeedMeeting, meetingFeed, meetingInvite } from '../../functions/web/calendar/ics';
import { outboxComposer } from '../../functions/web/mail/composers';
import { FixedClock } from '../support/in-memory-ports';
import { meetingFixture, registrationFixture } from '../support/meeting-fixtures';

const siteUrl = 'https://dropin.example.org';
const calendarDomain = 'dropin.example.org';
const organiserAddress = 'bijeenkomsten@dropin.example.org';
const writtenAt = '2027-01-04T09:00:00.000Z';

const meeting = meetingFixture({
  confirmedCount: 10,
  updatedAt: '2026-12-02T10:00:00.000Z',
  version: 2,
});

const registration = registrationFixture({ registeredAt: writtenAt });

const compose = outboxComposer(async () => ({
  tokens: new TokenSigner(
    fixedLinkKeys('unit-test-secret-unit-test-secret-0123456789'),
    new FixedClock(new Date(writtenAt)),
  ),
  siteUrl,
  organiserAddress,
  calendarDomain,
}));

const outboxMail = (
  kind: OutboxMailKind,
  m: Meeting = meeting,
  r: Registration = registration,
): OutboxMail => ({
  mailId: `mail-${kind}`,
  kind,
  recipient: { personId: r.personId, address: r.email, name: r.name },
  data: meetingMailData(m, r),
  createdAt: writtenAt,
});

/**
 * Parses with ical.js as a calendar would: the calendar's own VTIMEZONE registered first, so TZID times
 * resolve by its rules (ical.js knows no time zones of its own besides UTC).
 */
const parseCalendar = (text: string) => {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const timezone = calendar.getFirstSubcomponent('vtimezone');
  if (!timezone) throw new Error('No VTIMEZONE in the calendar');
  ICAL.TimezoneService.register(timezone);
  const events = calendar.getAllSubcomponents('vevent');
  return { calendar, events, event: events[0] ? new ICAL.Event(events[0]) : undefined };
};

const dtstamp = (vevent: ICAL.Component | undefined): string => {
  const value = vevent?.getFirstPropertyValue('dtstamp');
  return value instanceof ICAL.Time ? value.toJSDate().toISOString() : '';
};

/** The physical lines of an iCalendar text, split at CRLF only. */
const physicalLines = (text: string): string[] => {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(0, -2).split('\r\n');
};

/** Content lines after unfolding (RFC 5545 3.1). */
const unfolded = (text: string): string[] => text.replace(/\r\n[ \t]/g, '').split('\r\n');

const attachmentText = (content: string | Uint8Array): string =>
  typeof content === 'string' ? content : new TextDecoder().decode(content);

const invite = (overrides: Partial<Parameters<typeof meetingInvite>[0]> = {}) =>
  meetingInvite({
    method: 'REQUEST',
    meeting: { ...meeting, url: `${siteUrl}/bijeenkomsten/${meeting.meetingId}` },
    sequence: 3,
    organiser: { address: organiserAddress },
    attendee: { address: registration.email, name: registration.name },
    calendarDomain,
    now: writtenAt,
    ...overrides,
  });

describe('the invites in meeting mails', () => {
  it.each([
    ['registration-confirmed', 'REQUEST', 'uitnodiging.ics', 'CONFIRMED'],
    ['registration-promoted', 'REQUEST', 'uitnodiging.ics', 'CONFIRMED'],
    ['meeting-updated', 'REQUEST', 'wijziging.ics', 'CONFIRMED'],
    ['registration-cancelled', 'CANCEL', 'afmelding.ics', 'CANCELLED'],
    ['meeting-cancelled', 'CANCEL', 'geannuleerd.ics', 'CANCELLED'],
  ] as const)(
    '%s carries a METHOD:%s invite (%s) that parses and names organiser, attendee and UID',
    async (kind, method, fileName, status) => {
      const mail = await compose(outboxMail(kind));

      expect(mail.attachments).toHaveLength(1);
      const [attachment] = mail.attachments ?? [];
      expect(attachment?.fileName).toBe(fileName);
      expect(attachment?.contentType).toBe(`text/calendar; charset=UTF-8; method=${method}`);
      const { calendar, event, events } = parseCalendar(attachmentText(attachment?.content ?? ''));
      expect(calendar.getFirstPropertyValue('method')).toBe(method);
      expect(calendar.getFirstPropertyValue('prodid')).toBe('-//Drop In//Bijeenkomsten//NL');
      expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
      expect(events).toHaveLength(1);
      const vevent = events[0];
      const organiser = vevent?.getFirstProperty('organizer');
      expect(organiser?.getFirstValue()).toBe(`mailto:${organiserAddress}`);
      expect(organiser?.getParameter('cn')).toBe('Drop In');
      const attendees = vevent?.getAllProperties('attendee') ?? [];
      expect(attendees).toHaveLength(1);
      expect(attendees[0]?.getFirstValue()).toBe('mailto:sam.devries@example.org');
      expect(attendees[0]?.getParameter('cn')).toBe('Sam de Vries');
      expect(attendees[0]?.getParameter('rsvp')).toBe('FALSE');
      expect(attendees[0]?.getParameter('partstat')).toBe(method === 'REQUEST' ? 'ACCEPTED' : undefined);
      expect(event?.uid).toBe('kennisnetwerk-groningen-halt@dropin.example.org');
      expect(event?.sequence).toBe(calendarSequence(meeting, registration));
      expect(vevent?.getFirstPropertyValue('status')).toBe(status);
      expect(event?.summary).toBe(meeting.title);
      expect(event?.location).toBe('Buurtcentrum De Oosterpoort, Poortstraat 18, Groningen');
      expect(event?.description.startsWith(meeting.description)).toBe(true);
      expect(vevent?.getFirstPropertyValue('url')).toBe(
        `${siteUrl}/bijeenkomsten/kennisnetwerk-groningen-halt`,
      );
      expect(dtstamp(vevent)).toBe(writtenAt);
      expect(event?.startDate.toJSDate().toISOString()).toBe(meeting.startsAt);
      expect(event?.endDate.toJSDate().toISOString()).toBe(meeting.endsAt);
    },
  );

  it('keeps the cancel link (a token) out of the calendar', async () => {
    const mail = await compose(outboxMail('registration-confirmed'));

    expect(mail.text).toContain('token=');
    expect(attachmentText(mail.attachments?.[0]?.content ?? '')).not.toContain('token');
  });

  it.each(['registration-waiting', 'meeting-reminder'] as const)('%s carries no invite', async (kind) => {
    const mail = await compose(outboxMail(kind));

    expect(mail.attachments).toBeUndefined();
  });

  it('raises the SEQUENCE a participant sees with every change: confirm, move, cancel, register again, cancel the meeting', async () => {
    const sequenceOf = async (kind: OutboxMailKind, m: Meeting, r: Registration) => {
      const mail = await compose(outboxMail(kind, m, r));
      return parseCalendar(attachmentText(mail.attachments?.[0]?.content ?? '')).event?.sequence;
    };
    const moved = {
      ...meeting,
      startsAt: '2027-01-21T12:30:00.000Z',
      endsAt: '2027-01-21T15:30:00.000Z',
      sequence: 1,
    };
    const cancelled = { ...registration, status: 'cancelled' as const, version: 2 };
    const again = { ...registration, registrationId: 'reg-02', version: 3 };
    const meetingCancelled = { ...moved, status: 'cancelled' as const, sequence: 2 };

    const sequences = [
      await sequenceOf('registration-confirmed', meeting, registration),
      await sequenceOf('meeting-updated', moved, registration),
      await sequenceOf('registration-cancelled', moved, cancelled),
      await sequenceOf('registration-confirmed', moved, again),
      await sequenceOf('meeting-cancelled', meetingCancelled, again),
    ];

    for (const [index, sequence] of sequences.entries()) {
      if (index > 0) expect(sequence).toBeGreaterThan(sequences[index - 1] ?? Number.POSITIVE_INFINITY);
    }
  });
});

describe('iCalendar text', () => {
  it('ends every line in CRLF and keeps every physical line within 75 octets', () => {
    const long =
      'Een hele lange titel voor een bijeenkomst die zeker over de vijfenzeventig octetten heen gaat, of niet?';
    const text = invite({
      meeting: { ...meeting, title: long, description: long.repeat(5), url: `${siteUrl}/x` },
    });

    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = physicalLines(text);
    expect(lines.some((line) => line.startsWith(' '))).toBe(true);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  });

  it('folds a title full of multibyte characters without splitting one, and unfolds back to it', () => {
    const title = 'Één café met ëxtra’s 🎉 voor jongerenwerkers — Ünïcode überall 🧑🏽‍🤝‍🧑🏻 '
      .repeat(4)
      .trim();
    const text = invite({ meeting: { ...meeting, title, url: `${siteUrl}/x` } });
    const bytes = Buffer.from(text, 'utf8');

    // Split the bytes themselves at CRLF: each physical line must decode on its own (fatal on a split character).
    const strict = new TextDecoder('utf-8', { fatal: true });
    let start = 0;
    let count = 0;
    for (let i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
        const line = bytes.subarray(start, i);
        expect(line.length).toBeLessThanOrEqual(75);
        expect(() => strict.decode(line)).not.toThrow();
        start = i + 2;
        count++;
      }
    }
    expect(start).toBe(bytes.length);
    expect(count).toBeGreaterThan(20);
    const lines = physicalLines(text);
    const summaryAt = lines.findIndex((line) => line.startsWith('SUMMARY:'));
    expect(lines.slice(summaryAt + 1).findIndex((line) => !line.startsWith(' '))).toBeGreaterThan(3);
    // Unfolded byte by byte, the octets are the title's own: no character was cut in two.
    const unfoldedBytes = Buffer.from(bytes.toString('latin1').replace(/\r\n /g, ''), 'latin1');
    expect(strict.decode(unfoldedBytes).split('\r\n')).toContain(`SUMMARY:${title}`);
    expect(unfolded(text)).toContain(`SUMMARY:${title}`);
    expect(parseCalendar(text).event?.summary).toBe(title);
  });

  it('escapes commas, semicolons, backslashes and line breaks, and a parser reads them back', () => {
    const title = 'Jongerenwerk, HALT; politie \\ gemeente';
    const description =
      'Regel één, met komma;\nregel twee\r\nregel drie met \\n letterlijk\n\nNieuwe alinea.';
    const venueAddress = 'Zaal 2; ingang B, Poortstraat 18';
    const text = invite({
      meeting: { ...meeting, title, description, venueAddress, url: `${siteUrl}/x` },
      attendee: { address: 'sam@example.org', name: 'Vries, Sam "de"; team: Noord' },
    });

    const contentLines = unfolded(text);
    expect(contentLines).toContain('SUMMARY:Jongerenwerk\\, HALT\\; politie \\\\ gemeente');
    expect(contentLines).toContain('LOCATION:Zaal 2\\; ingang B\\, Poortstraat 18\\, Groningen');
    const { event, events } = parseCalendar(text);
    expect(event?.summary).toBe(title);
    expect(event?.location).toBe(`${venueAddress}, Groningen`);
    expect(event?.description.startsWith(description.replace(/\r\n/g, '\n'))).toBe(true);
    const attendee = events[0]?.getFirstProperty('attendee');
    expect(attendee?.getParameter('cn')).toBe("Vries, Sam 'de'; team: Noord");
    expect(attendee?.getFirstValue()).toBe('mailto:sam@example.org');
  });
});

describe('times across the summer-time changes of 2027', () => {
  const at = (startsAt: string, endsAt: string) =>
    invite({ meeting: { ...meeting, startsAt, endsAt, url: `${siteUrl}/x` } });

  it('writes a VTIMEZONE for Europe/Amsterdam with CET and CEST on the last Sundays of October and March', () => {
    const { calendar } = parseCalendar(at(meeting.startsAt, meeting.endsAt));
    const timezone = calendar.getFirstSubcomponent('vtimezone');
    const standard = timezone?.getFirstSubcomponent('standard');
    const daylight = timezone?.getFirstSubcomponent('daylight');

    expect(timezone?.getFirstPropertyValue('tzid')).toBe('Europe/Amsterdam');
    expect(standard?.getFirstPropertyValue('tzname')).toBe('CET');
    expect(standard?.getFirstProperty('tzoffsetto')?.toICALString()).toBe('TZOFFSETTO:+0100');
    expect(standard?.getFirstProperty('rrule')?.toICALString()).toBe(
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
    );
    expect(daylight?.getFirstPropertyValue('tzname')).toBe('CEST');
    expect(daylight?.getFirstProperty('tzoffsetto')?.toICALString()).toBe('TZOFFSETTO:+0200');
    expect(daylight?.getFirstProperty('rrule')?.toICALString()).toBe(
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
    );
  });

  it('28 March: 01.30 UTC is 03.30 CEST, written as Amsterdam wall time, read back to the same instant', () => {
    const text = at('2027-03-28T01:30:00.000Z', '2027-03-28T04:30:00.000Z');

    expect(unfolded(text)).toContain('DTSTART;TZID=Europe/Amsterdam:20270328T033000');
    const start = parseCalendar(text).event?.startDate;
    expect(start?.toJSDate().toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect([start?.hour, start?.minute, start?.utcOffset()]).toEqual([3, 30, 7200]);
  });

  it('the day before, 01.30 UTC is still 02.30 CET', () => {
    const text = at('2027-03-27T01:30:00.000Z', '2027-03-27T04:30:00.000Z');

    expect(unfolded(text)).toContain('DTSTART;TZID=Europe/Amsterdam:20270327T023000');
    const start = parseCalendar(text).event?.startDate;
    expect(start?.toJSDate().toISOString()).toBe('2027-03-27T01:30:00.000Z');
    expect(start?.utcOffset()).toBe(3600);
  });

  /**
   * In the night the clocks go back, 02.00–03.00 happens twice. Parsers disagree on which one a wall time
   * then means (RFC 5545: the first; ical.js 2.2.1: the second), so both instants are written in UTC. The
   * wall time is checked with Intl (the time zone database calendars use), not with ical.js: its conversion
   * from UTC to a VTIMEZONE is off by an hour around the change.
   */
  it.each([
    ['2027-10-31T00:30:00.000Z', '20271031T003000Z', 120],
    ['2027-10-31T01:30:00.000Z', '20271031T013000Z', 60],
  ])(
    '31 October: %s is 02.30 in Amsterdam, written in UTC as %s (offset %i min), read back to the same instant',
    (startsAt, utc, offsetMinutes) => {
      const text = at(startsAt, '2027-10-31T02:30:00.000Z');

      expect(unfolded(text)).toContain(`DTSTART:${utc}`);
      expect(unfolded(text)).toContain('DTEND;TZID=Europe/Amsterdam:20271031T033000');
      const event = parseCalendar(text).event;
      const start = event?.startDate.toJSDate() ?? new Date(Number.NaN);
      expect(start.toISOString()).toBe(startsAt);
      expect(amsterdamLocalParts(start)).toMatchObject({ hour: 2, minute: 30, offsetMinutes });
      expect(event?.endDate.toJSDate().toISOString()).toBe('2027-10-31T02:30:00.000Z');
      expect([event?.endDate.hour, event?.endDate.minute, event?.endDate.utcOffset()]).toEqual([3, 30, 3600]);
    },
  );

  it('writes the hours around the repeated one as wall times: 01.59 CEST and 03.00 CET', () => {
    const text = at('2027-10-30T23:59:00.000Z', '2027-10-31T02:00:00.000Z');

    expect(unfolded(text)).toContain('DTSTART;TZID=Europe/Amsterdam:20271031T015900');
    expect(unfolded(text)).toContain('DTEND;TZID=Europe/Amsterdam:20271031T030000');
    const event = parseCalendar(text).event;
    expect(event?.startDate.toJSDate().toISOString()).toBe('2027-10-30T23:59:00.000Z');
    expect(event?.endDate.toJSDate().toISOString()).toBe('2027-10-31T02:00:00.000Z');
  });
});

describe('the calendar feed', () => {
  const feedMeeting = (overrides: Partial<FeedMeeting>): FeedMeeting => ({ ...meeting, ...overrides });
  const meetings = [
    feedMeeting({ meetingId: 'groningen', sequence: 2 }),
    feedMeeting({
      meetingId: 'eindhoven',
      title: 'Kennisnetwerk Eindhoven',
      status: 'cancelled',
      sequence: 1,
      startsAt: '2027-10-31T00:30:00.000Z',
      endsAt: '2027-10-31T03:30:00.000Z',
    }),
  ];

  it('is a published calendar: no METHOD, ORGANIZER or ATTENDEE, named, in Amsterdam time', () => {
    const text = meetingFeed(meetings, { calendarDomain, siteUrl });
    const { calendar, events } = parseCalendar(text);

    expect(calendar.getFirstPropertyValue('method')).toBeNull();
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Drop In bijeenkomsten');
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).toBe('Europe/Amsterdam');
    expect(events).toHaveLength(2);
    for (const vevent of events) {
      expect(vevent.getAllProperties('organizer')).toEqual([]);
      expect(vevent.getAllProperties('attendee')).toEqual([]);
    }
    for (const line of physicalLines(text)) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  });

  it('has one event per meeting with its UID, SEQUENCE and page, and keeps a cancelled one as CANCELLED', () => {
    const { events } = parseCalendar(meetingFeed(meetings, { calendarDomain, siteUrl }));
    const [published, cancelled] = events.map((vevent) => new ICAL.Event(vevent));

    expect(published?.uid).toBe('groningen@dropin.example.org');
    expect(published?.sequence).toBe(2);
    expect(events[0]?.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(events[0]?.getFirstPropertyValue('url')).toBe(
      'https://dropin.example.org/bijeenkomsten/groningen',
    );
    expect(published?.startDate.toJSDate().toISOString()).toBe(meeting.startsAt);
    expect(cancelled?.uid).toBe('eindhoven@dropin.example.org');
    expect(cancelled?.sequence).toBe(1);
    expect(events[1]?.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled?.summary).toBe('Geannuleerd: Kennisnetwerk Eindhoven');
    expect(cancelled?.startDate.toJSDate().toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(dtstamp(events[1])).toBe(meeting.updatedAt);
  });

  it('is still a valid calendar when nothing is planned', () => {
    const { calendar, events } = parseCalendar(meetingFeed([], { calendarDomain, siteUrl }));

    expect(calendar.name).toBe('vcalendar');
    expect(events).toEqual([]);
  });
});
