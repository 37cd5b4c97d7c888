import { describe, expect, it } from 'vitest';
import { InvalidInput, NotFound } from '../../functions/core/errors';
import {
  announceMeeting,
  announcementDraft,
  dutchWhen,
  escapeMarkdown,
  type MeetingAnnouncementPorts,
  MeetingNotAnnounceable,
  meetingAnnouncement,
  meetingPlace,
} from '../../functions/core/mailings/announcement';
import type { StoredMailing } from '../../functions/core/mailings/drafts';
import type { Meeting } from '../../functions/core/meetings/model';
import type { Organiser } from '../../functions/core/organisers/identity';
import { renderMailingContent } from '../../functions/web/mail/mailing-content';
import { formatMeetingWhen } from '../../functions/web/time';

const url = 'https://dropin.example.org/bijeenkomsten/kennisnetwerk-groningen';

const meeting: Meeting = {
  meetingId: 'kennisnetwerk-groningen',
  title: 'Kennisnetwerk Groningen: samen met HALT',
  description:
    'Hoe werken jongerenwerk en HALT samen als een jongere voor het eerst de fout in gaat?\n\nDaarna praten we in groepen verder.',
  city: 'Groningen',
  venueAddress: 'Het Pand, Grote Markt 1',
  // Sunday 28 March 2027: summer time starts that night (02.00 CET → 03.00 CEST).
  startsAt: '2027-03-28T11:30:00.000Z',
  endsAt: '2027-03-28T14:30:00.000Z',
  capacity: 80,
  registrationOpensAt: '2027-01-01T09:00:00.000Z',
  registrationClosesAt: '2027-03-28T11:30:00.000Z',
  waitingListEnabled: true,
  reminderLeadHours: 48,
  questions: { organisation: true, role: true, municipality: true, needs: true },
  status: 'published',
  confirmedCount: 0,
  waitingCount: 0,
  createdAt: '2027-01-01T09:00:00.000Z',
  updatedAt: '2027-01-01T09:00:00.000Z',
  publishedAt: '2027-01-01T09:00:00.000Z',
  version: 2,
  sequence: 0,
};

/** What a reader sees: the rendered mail's plain text, whitespace collapsed. */
const shown = (body: string): string => renderMailingContent({ markdown: body }).text.replace(/\s+/g, ' ');

describe("a meeting's announcement", () => {
  it('names the title, the Amsterdam date and time, the place, the first paragraph and the link', () => {
    const content = meetingAnnouncement(meeting, { url });

    expect(content.subject).toBe(
      'Nieuwe bijeenkomst: Kennisnetwerk Groningen: samen met HALT op zondag 28 maart 2027',
    );
    expect(content.preheader).toBe('zondag 28 maart 2027, 13.30–16.30 uur, in Groningen. Meld je nu aan.');
    expect(content.audience).toEqual({ topics: ['bijeenkomsten'] });
    expect(content.body).toContain('## Kennisnetwerk Groningen: samen met HALT');
    expect(content.body).toContain('**Wanneer:** zondag 28 maart 2027, 13.30–16.30 uur');
    expect(content.body).toContain('**Waar:** Het Pand, Grote Markt 1, Groningen');
    expect(content.body).toContain('Hoe werken jongerenwerk en HALT samen');
    expect(content.body).not.toContain('Daarna praten we');
    expect(content.body.endsWith(`(${url})`)).toBe(true);
    const { html } = renderMailingContent({ markdown: content.body });
    expect(html).toContain(`href="${url}"`);
  });

  it('reads the time in Amsterdam on either side of both summer-time changes', () => {
    const at = (startsAt: string, endsAt: string) =>
      meetingAnnouncement({ ...meeting, startsAt, endsAt }, { url });
    // The Saturday before the March change is winter time (UTC+1), the Sunday summer time (UTC+2).
    expect(at('2027-03-27T12:30:00Z', '2027-03-27T15:30:00Z').body).toContain(
      'zaterdag 27 maart 2027, 13.30–16.30 uur',
    );
    expect(at('2027-03-28T11:30:00Z', '2027-03-28T14:30:00Z').body).toContain(
      'zondag 28 maart 2027, 13.30–16.30 uur',
    );
    // 31 October: the clocks go back at 03.00 CEST; afterwards 13.30 is 12.30 UTC again.
    expect(at('2027-10-30T11:30:00Z', '2027-10-30T14:30:00Z').body).toContain(
      'zaterdag 30 oktober 2027, 13.30–16.30 uur',
    );
    expect(at('2027-10-31T12:30:00Z', '2027-10-31T15:30:00Z').body).toContain(
      'zondag 31 oktober 2027, 13.30–16.30 uur',
    );
    // A night meeting across the change: two hours that read as one.
    expect(at('2027-10-30T23:30:00Z', '2027-10-31T01:30:00Z').body).toContain(
      'zondag 31 oktober 2027, 01.30–02.30 uur',
    );
    expect(at('2027-10-31T12:30:00Z', '2027-10-31T15:30:00Z').subject).toMatch(/op zondag 31 oktober 2027$/);
  });

  it('writes dates as the web pages do, across days and changes', () => {
    const pairs: Array<[string, string]> = [
      ['2027-03-27T23:30:00Z', '2027-03-28T02:30:00Z'],
      ['2027-10-30T21:00:00Z', '2027-10-31T09:00:00Z'],
      ['2027-01-14T12:30:00Z', '2027-01-15T11:00:00Z'],
      ['2027-07-04T07:05:00Z', '2027-07-04T09:00:00Z'],
    ];
    for (const [startsAt, endsAt] of pairs) {
      expect(dutchWhen(startsAt, endsAt), startsAt).toBe(formatMeetingWhen(startsAt, endsAt));
    }
  });

  it('says "online" for a meeting held online, and does not name a city twice', () => {
    const online = meetingAnnouncement({ ...meeting, venueAddress: 'Online', city: 'Online' }, { url });
    expect(online.body).toContain('**Waar:** online');
    expect(online.preheader).toBe('zondag 28 maart 2027, 13.30–16.30 uur, online. Meld je nu aan.');
    expect(meetingPlace({ city: 'Utrecht', venueAddress: 'online' })).toBe('online');
    expect(meetingPlace({ city: 'Eindhoven', venueAddress: 'Stationsplein 1, Eindhoven' })).toBe(
      'Stationsplein 1, Eindhoven',
    );
  });

  it('quotes the meeting as typed: Markdown in the title or description changes nothing', () => {
    const title = '*x* [a](javascript:alert(1)) <b>vet</b> # 1';
    const description = '# Kop\n- punt\n1. eerste\n    code\n`tick` _schuin_ &amp; ~~weg~~ | a |';
    const content = meetingAnnouncement({ ...meeting, title, description }, { url });
    const { html } = renderMailingContent({ markdown: content.body });

    expect(html).not.toMatch(
      /<em>|<strong>x|<a href="javascript|<b>|<h1|<ul>\s*<li[^>]*>punt|<ol|<pre|<code|<s>/,
    );
    expect(html.match(/<a /g)).toHaveLength(1);
    const text = shown(content.body);
    expect(text).toContain('*x* [a](javascript:alert(1)) <b>vet</b> # 1');
    expect(text).toContain('# Kop - punt 1. eerste code `tick` _schuin_ &amp; ~~weg~~ | a |');
    // The subject is plain text, not Markdown: it stays as typed.
    expect(content.subject).toContain(title);
  });

  it('shortens a long title to keep the subject within 200 characters', () => {
    const content = meetingAnnouncement({ ...meeting, title: 'Lang '.repeat(40).trim() }, { url });
    expect(content.subject.length).toBeLessThanOrEqual(200);
    expect(content.subject).toMatch(/… op zondag 28 maart 2027$/);
  });

  it('leaves plain text alone', () => {
    expect(escapeMarkdown('Jongerenwerk & politie: wat werkt? (2027)')).toBe(
      'Jongerenwerk & politie: wat werkt? (2027)',
    );
  });
});

describe('an announcement draft (any kind)', () => {
  it('ends with the link on its own line and goes to the topics given', () => {
    const content = announcementDraft({
      subject: 'Nieuw rapport',
      paragraphs: ['Een alinea.'],
      link: { label: 'Lees [het] rapport', url: 'https://dropin.example.org/rapport (2027)' },
      topics: ['publicaties'],
    });
    expect(content).toEqual({
      subject: 'Nieuw rapport',
      body: 'Een alinea.\n\n[Lees \\[het\\] rapport](https://dropin.example.org/rapport%20%282027%29)',
      audience: { topics: ['publicaties'] },
    });
  });
});

describe('announcing a meeting', () => {
  const author: Organiser = { subject: 'sub-anna', email: 'anna@example.org', groups: ['organisers'] };
  const portsWith = (stored: Meeting | undefined, now = '2027-02-01T09:00:00Z') => {
    const created: StoredMailing[] = [];
    const ports: MeetingAnnouncementPorts = {
      store: {
        get: async () => undefined,
        create: async (mailing) => {
          created.push(mailing);
        },
        replace: async () => {},
        delete: async () => {},
        list: async () => ({ items: [], nextCursor: null }),
      },
      meetings: { getMeeting: async (id) => (id === stored?.meetingId ? stored : undefined) },
      render: (content) => ({ html: `<p>${content.body}</p>`, text: content.body }),
      clock: { now: () => new Date(now) },
      ids: { next: () => 'MAILING1' },
      meetingUrl: (meeting) =>
        `https://dropin.example.org/bijeenkomsten/${meeting.slug ?? meeting.meetingId}`,
    };
    return { ports, created };
  };

  it('creates a draft at version 1 by the caller, prefilled, with the subject or preheader given', async () => {
    const { ports, created } = portsWith(meeting);
    const stored = await announceMeeting(ports, meeting.meetingId, author, { subject: 'Kom je ook?' });
    expect(stored.mailing).toMatchObject({
      mailingId: 'MAILING1',
      status: 'draft',
      version: 1,
      subject: 'Kom je ook?',
      author: { subject: 'sub-anna' },
      audience: { topics: ['bijeenkomsten'] },
    });
    expect(stored.mailing.body).toContain(`(https://dropin.example.org/bijeenkomsten/${meeting.meetingId})`);
    expect(created).toEqual([stored]);
    await expect(announceMeeting(ports, meeting.meetingId, author, { subject: '' })).rejects.toThrow(
      InvalidInput,
    );
  });

  it('refuses a missing, draft, cancelled or begun meeting, naming its status, and writes nothing', async () => {
    const missing = portsWith(undefined);
    await expect(announceMeeting(missing.ports, 'nope', author)).rejects.toThrow(NotFound);
    const cases: Array<[Meeting, string, RegExp]> = [
      [{ ...meeting, status: 'draft' }, '2027-02-01T09:00:00Z', /concept \(status: concept\)/],
      [{ ...meeting, status: 'cancelled' }, '2027-02-01T09:00:00Z', /geannuleerd \(status: geannuleerd\)/],
      [meeting, meeting.startsAt, /al begonnen of voorbij \(status: gepubliceerd\)/],
    ];
    for (const [stored, now, message] of cases) {
      const { ports, created } = portsWith(stored, now);
      const attempt = announceMeeting(ports, meeting.meetingId, author);
      await expect(attempt).rejects.toThrow(MeetingNotAnnounceable);
      await expect(attempt).rejects.toThrow(message);
      expect(created).toEqual([]);
    }
  });
});
