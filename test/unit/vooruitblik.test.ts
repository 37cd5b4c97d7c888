import { describe, expect, it } from 'vitest';
import type { StoredMailing } from '../../functions/core/mailings/drafts';
import { approveMailing, editMailing, type Mailing } from '../../functions/core/mailings/mailing';
import type { OutboxMail } from '../../functions/core/mailings/outbox';
import { sendMailingNow } from '../../functions/core/mailings/sending-control';
import {
  type DigestStore,
  digestMailingId,
  digestTimeFrom,
  draftDateOf,
  runVooruitblik,
  type VooruitblikPorts,
  vooruitblikContent,
} from '../../functions/core/mailings/vooruitblik';
import type { Organiser } from '../../functions/core/organisers/identity';
import { ConcurrentChange } from '../../functions/core/ports';
import type { Report } from '../../functions/core/reports/report';
import { InMemoryMailingStore } from '../support/in-memory-mailing-sending';
import { FixedClock, InMemoryMeetings } from '../support/in-memory-ports';
import { InMemoryReportStore } from '../support/in-memory-reports';
import { meetingFixture } from '../support/meeting-fixtures';

/** DynamoDigestStore over the in-memory mailing store: the same conditions, the alerts written with the draft. */
class InMemoryDigestStore implements DigestStore {
  readonly mailings = new InMemoryMailingStore();
  readonly alerts: OutboxMail[] = [];
  lastSent: string | undefined;
  lastNewsUntil: string | undefined;

  async get(mailingId: string) {
    return this.mailings.get(mailingId);
  }
  async createDraft(stored: StoredMailing, alerts: readonly OutboxMail[]) {
    if (this.mailings.mailings.has(stored.mailing.mailingId)) throw new ConcurrentChange();
    this.mailings.mailings.set(stored.mailing.mailingId, stored);
    this.alerts.push(...alerts);
  }
  async startSending(previous: Mailing, next: StoredMailing) {
    await this.mailings.replace(previous, next);
    this.lastSent = next.mailing.digestFor;
    this.lastNewsUntil = next.mailing.createdAt;
  }
  async replace(previous: Mailing, next: StoredMailing) {
    await this.mailings.replace(previous, next);
  }
  async newsUntil() {
    return this.lastNewsUntil;
  }
}

const organiser: Organiser = { subject: 'sub-anna', name: 'Anna', groups: ['organisers'] };
/** 09.00 on Monday 4 January 2027 in Amsterdam (winter time). */
const january = new Date('2027-01-04T08:00:00.000Z');
/** 09.00 on the draft day three working days before: Wednesday 30 December 2026. */
const januaryDraftDay = new Date('2026-12-30T08:00:00.000Z');

const report = (id: string, firstPublishedAt: string): Report => ({
  reportId: id,
  slug: `rapport-${id}`,
  title: `Rapport ${id} *met* [opmaak](javascript:x)`,
  kind: 'publicatie',
  summary: 'Wat we leerden.',
  body: 'Tekst',
  bodyHtml: '<p>Tekst</p>',
  publishedOn: firstPublishedAt.slice(0, 10),
  visibility: 'public',
  status: 'published',
  version: 2,
  createdAt: firstPublishedAt,
  updatedAt: firstPublishedAt,
  firstPublishedAt,
  createdBy: 'sub-anna',
});

const setUp = (now = new Date('2026-12-30T08:00:05.000Z')) => {
  const digests = new InMemoryDigestStore();
  const meetings = new InMemoryMeetings();
  const reports = new InMemoryReportStore();
  const clock = new FixedClock(now);
  const ports: VooruitblikPorts = {
    digests,
    meetings,
    reports,
    render: (content) => ({ html: `<p>${content.body}</p>`, text: content.body }),
    meetingUrl: (meeting) => `https://dropin.example/bijeenkomsten/${meeting.slug ?? meeting.meetingId}`,
    reportUrl: (slug) => `https://dropin.example/publicaties/${slug}`,
    previewAlerts: async (digest) => [
      {
        mailId: `${digest.mailingId}-preview-1`,
        kind: 'digest-preview',
        recipient: { personId: 'p-anna', address: 'anna@example.org' },
        data: { mailingId: digest.mailingId, digestFor: digest.digestFor ?? '', subject: digest.subject },
        createdAt: clock.now().toISOString(),
      },
    ],
    clock,
  };
  return { ports, digests, meetings, reports, clock };
};

const approve = (digests: InMemoryDigestStore, mailingId: string) => {
  const stored = digests.mailings.mailings.get(mailingId) as StoredMailing;
  digests.mailings.mailings.set(mailingId, {
    ...stored,
    mailing: approveMailing(stored.mailing, organiser, new Date()),
  });
};

describe('the Vooruitblik’s times', () => {
  it('is the first Monday of the month at 09.00 in Amsterdam, drafted three working days before', () => {
    expect(digestTimeFrom(new Date('2026-12-03T00:00:00Z')).toISOString()).toBe('2026-12-07T08:00:00.000Z');
    // At the time itself it is that time; a moment later the next month's.
    expect(digestTimeFrom(january).toISOString()).toBe(january.toISOString());
    expect(digestTimeFrom(new Date(january.getTime() + 1)).toISOString()).toBe('2027-02-01T08:00:00.000Z');
    // Summer time: 09.00 is 07.00 UTC.
    expect(digestTimeFrom(new Date('2027-03-15T00:00:00Z')).toISOString()).toBe('2027-04-05T07:00:00.000Z');
    // Three working days back skips the weekend: Monday → the Wednesday before, across a month or a year.
    expect(draftDateOf(january)).toBe('2026-12-30');
    expect(draftDateOf(new Date('2027-03-01T08:00:00Z'))).toBe('2027-02-24');
    expect(digestMailingId(january)).toBe('vooruitblik-20270104');
  });
});

describe('the Vooruitblik’s content', () => {
  it('lists the meetings ahead and the new publications, what it quotes as text, to topic nieuwsbrief', () => {
    const content = vooruitblikContent(
      {
        meetings: [{ ...meetingFixture({ title: 'Kennisnetwerk <b>Groningen</b>' }), isNew: true }],
        reports: [report('r1', '2026-12-10T10:00:00.000Z')],
      },
      january,
      {
        meetingUrl: (meeting) => `https://x/b/${meeting.meetingId}`,
        reportUrl: (slug) => `https://x/p/${slug}`,
      },
    );
    expect(content).toMatchObject({
      subject: 'Vooruitblik januari 2027',
      audience: { topics: ['nieuwsbrief'] },
      preheader: '1 nieuwe publicatie en 1 bijeenkomst op de agenda.',
    });
    expect(content.body).toContain(
      '[Kennisnetwerk \\<b\\>Groningen\\</b\\>](https://x/b/kennisnetwerk-groningen-halt)** (nieuw)',
    );
    expect(content.body).toContain(
      '[Rapport r1 \\*met\\* \\[opmaak\\](javascript:x)](https://x/p/rapport-r1)',
    );
  });
});

describe('drafting and sending the Vooruitblik', () => {
  it('drafts once on its day, with the organisers’ preview alert; a second firing finds it; other days nothing', async () => {
    const { ports, digests, reports } = setUp();
    await reports.create(report('r1', '2026-12-10T10:00:00.000Z'));

    expect(await runVooruitblik(ports, 'draft', new Date('2026-12-29T08:00:00Z'))).toMatchObject({
      outcome: 'not-today',
    });
    const [first, second] = await Promise.all([
      runVooruitblik(ports, 'draft', januaryDraftDay),
      runVooruitblik(ports, 'draft', januaryDraftDay),
    ]);
    expect([first.outcome, second.outcome].sort()).toEqual(['drafted', 'exists']);
    expect(digests.mailings.mailings.size).toBe(1);
    expect(digests.alerts).toHaveLength(1);
    expect(digests.mailings.mailings.get('vooruitblik-20270104')?.mailing).toMatchObject({
      status: 'draft',
      digestFor: january.toISOString(),
      author: { subject: 'system:vooruitblik' },
      audience: { topics: ['nieuwsbrief'] },
    });
  });

  it('with no news drafts nothing and sends nothing; a meeting announced before does not count as news', async () => {
    const { ports, digests, meetings } = setUp();
    // Upcoming, but published before the previous digest was drafted (25 November): not news.
    await meetings.createMeeting(
      meetingFixture({ startsAt: '2027-01-14T12:30:00.000Z', publishedAt: '2026-11-20T10:00:00.000Z' }),
    );

    expect((await runVooruitblik(ports, 'draft', januaryDraftDay)).outcome).toBe('no-news');
    expect((await runVooruitblik(ports, 'send', january)).outcome).toBe('no-digest');
    expect(digests.mailings.mailings.size).toBe(0);
    expect(digests.alerts).toEqual([]);

    // The control: the same meeting published since then is news.
    await meetings.createMeeting(
      meetingFixture({ meetingId: 'nieuw', publishedAt: '2026-12-15T10:00:00.000Z' }),
    );
    expect((await runVooruitblik(ports, 'draft', januaryDraftDay)).outcome).toBe('drafted');
  });

  it('lists only meetings still ahead when it goes out: one between the draft and the send is no news', async () => {
    const { ports, digests, meetings } = setUp();
    // Thursday 31 December: after the draft day (Wednesday 30th), before the digest (Monday 4 January).
    await meetings.createMeeting(
      meetingFixture({
        meetingId: 'oudejaars',
        startsAt: '2026-12-31T12:00:00.000Z',
        endsAt: '2026-12-31T15:00:00.000Z',
        publishedAt: '2026-12-15T10:00:00.000Z',
      }),
    );
    expect((await runVooruitblik(ports, 'draft', januaryDraftDay)).outcome).toBe('no-news');
    expect(digests.mailings.mailings.size).toBe(0);
  });

  it('is not approved by the organiser who changed it last: it has no author, so that one needs another', async () => {
    const { ports, digests, reports } = setUp();
    await reports.create(report('r1', '2026-12-10T10:00:00.000Z'));
    await runVooruitblik(ports, 'draft', januaryDraftDay);
    const id = digestMailingId(january);
    const stored = digests.mailings.mailings.get(id) as StoredMailing;
    const edited = editMailing(
      stored.mailing,
      stored.mailing.version,
      { subject: 'Anders' },
      new Date(),
      organiser,
    );
    expect(() => approveMailing(edited, organiser, new Date())).toThrow(/zelf als laatste gewijzigd/);
    // The control: another organiser may.
    expect(approveMailing(edited, { ...organiser, subject: 'sub-bram' }, new Date()).approval?.by).toBe(
      'sub-bram',
    );
  });

  it('sends at its time only when approved at its current version, once however often it fires', async () => {
    const { ports, digests, reports } = setUp();
    await reports.create(report('r1', '2026-12-10T10:00:00.000Z'));
    await runVooruitblik(ports, 'draft', januaryDraftDay);
    const id = digestMailingId(january);

    approve(digests, id);
    const [a, b] = await Promise.all([
      runVooruitblik(ports, 'send', january),
      runVooruitblik(ports, 'send', january),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(['ignored', 'sent']);
    expect(digests.mailings.written.filter((write) => write.status === 'sending')).toHaveLength(1);
    expect(digests.lastSent).toBe(january.toISOString());
    expect((await runVooruitblik(ports, 'send', january)).outcome).toBe('ignored');

    // The next month: nothing published since this one was drafted, so no news; what came after it is.
    expect((await runVooruitblik(ports, 'draft', new Date('2027-01-27T08:00:00Z'))).outcome).toBe('no-news');
    await reports.create(report('r2', '2027-01-02T10:00:00.000Z'));
    expect((await runVooruitblik(ports, 'draft', new Date('2027-01-27T08:00:00Z'))).outcome).toBe('drafted');
  });

  it('is cancelled with a notice, unsent, when nobody approved it or an edit voided the approval', async () => {
    const { ports, digests, reports } = setUp();
    await reports.create(report('r1', '2026-12-10T10:00:00.000Z'));
    await runVooruitblik(ports, 'draft', januaryDraftDay);
    const id = digestMailingId(january);
    approve(digests, id);
    const stored = digests.mailings.mailings.get(id) as StoredMailing;
    digests.mailings.mailings.set(id, {
      ...stored,
      mailing: editMailing(stored.mailing, stored.mailing.version, { subject: 'Anders' }, new Date()),
    });

    expect((await runVooruitblik(ports, 'send', january)).outcome).toBe('not-approved');
    expect(digests.mailings.mailings.get(id)?.mailing).toMatchObject({
      status: 'cancelled',
      notice: expect.stringContaining('niet verstuurd'),
    });
    expect(digests.mailings.written.filter((write) => write.status === 'sending')).toEqual([]);
  });

  it('by hand (`now`): drafts the next one, then sends it once approved', async () => {
    const { ports, digests, reports } = setUp(new Date('2026-12-20T10:00:00Z'));
    await reports.create(report('r1', '2026-12-10T10:00:00.000Z'));
    const now = new Date('2026-12-20T10:00:00Z');

    expect(await runVooruitblik(ports, 'now', now)).toEqual({
      outcome: 'drafted',
      digestFor: january.toISOString(),
      mailingId: 'vooruitblik-20270104',
    });
    expect((await runVooruitblik(ports, 'now', now)).outcome).toBe('exists');
    approve(digests, digestMailingId(january));
    expect((await runVooruitblik(ports, 'now', now)).outcome).toBe('sent');
    expect(digests.mailings.status(digestMailingId(january))).toBe('sending');
  });

  it('is not sent or scheduled on its own through the mailing API', async () => {
    const { ports, digests, reports, clock } = setUp();
    await reports.create(report('r1', '2026-12-10T10:00:00.000Z'));
    await runVooruitblik(ports, 'draft', januaryDraftDay);
    await expect(
      sendMailingNow(
        {
          store: digests.mailings,
          clock,
          account: { standing: async () => ({ productionAccessEnabled: true }) },
        } as never,
        digestMailingId(january),
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('Vooruitblik') });
  });
});
