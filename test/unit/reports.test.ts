import { describe, expect, it } from 'vitest';
import { InvalidInput, NotFound } from '../../functions/core/errors';
import { approveMailing, editMailing, recordTestSend } from '../../functions/core/mailings/mailing';
import { sendMailingNow } from '../../functions/core/mailings/sending-control';
import type { Organiser } from '../../functions/core/organisers/identity';
import { attachDocument } from '../../functions/core/reports/attachments';
import type { ReportDocuments } from '../../functions/core/reports/documents';
import {
  type PublicationPorts,
  publishReportNow,
  publishScheduledReport,
  reportScheduleName,
  scheduleReportAt,
  unpublishReport,
} from '../../functions/core/reports/publication';
import {
  newReport,
  ReportConflict,
  SlugTaken,
  StaleReport,
  slugOf,
} from '../../functions/core/reports/report';
import {
  createReport,
  publicReport,
  type ReportPorts,
  updateReport,
} from '../../functions/core/reports/use-cases';
import { renderHomePage } from '../../functions/web/pages/home';
import { renderReportArchive } from '../../functions/web/pages/reports';
import { parseMarkdown, safeHtml } from '../../functions/web/safe-markdown';
import { demoReports, seedReports } from '../../local/seed/reports';
import { AudienceWorld, InMemoryAudienceCounter } from '../support/in-memory-mailing-sending';
import { FixedClock, RecordingScheduler, SequentialIds } from '../support/in-memory-ports';
import { InMemoryReportStore } from '../support/in-memory-reports';

const author: Organiser = {
  subject: 'sub-anna',
  email: 'anna@example.org',
  name: 'Anna',
  groups: ['organisers'],
};

const colleague: Organiser = { subject: 'sub-bram', name: 'Bram', groups: ['organisers'] };

const setUp = ({ fourEyesThreshold = 500 }: { fourEyesThreshold?: number } = {}) => {
  const store = new InMemoryReportStore();
  const clock = new FixedClock(new Date('2026-03-28T10:00:00.000Z'));
  const world = new AudienceWorld();
  const scheduler = new RecordingScheduler();
  const ports: ReportPorts = {
    store,
    render: (markdown) => safeHtml(parseMarkdown(markdown)),
    renderMail: (content) => ({ html: `<p>${content.body}</p>`, text: content.body }),
    reportUrl: (slug) => `https://dropin.example/publicaties/${slug}`,
    mailings: store.mailings,
    meetings: { getMeeting: async (id) => (id === 'M1' ? { meetingId: id } : undefined) },
    clock,
    ids: new SequentialIds(),
  };
  const publication: PublicationPorts = {
    store,
    mailings: store.mailings,
    counter: new InMemoryAudienceCounter(world),
    scheduler,
    clock,
    fourEyesThreshold,
  };
  return { store, clock, ports, publication, world, scheduler };
};

const jaarupdate = {
  title: 'Jaarupdate 2024: Drop In in beeld',
  kind: 'jaarupdate',
  summary: 'Wat het programma in 2024 deed en leerde.',
  body: '## Het kennisnetwerk\n\nVijf bijeenkomsten, van Utrecht tot Bergen op Zoom.',
  publishedOn: '2025-02-14',
  visibility: 'public',
} as const;

describe('a report’s address', () => {
  it('is its title in lower case, accents off, words joined by dashes, at most 80 characters', () => {
    expect(slugOf('Jaarupdate 2024: Drop In in beeld')).toBe('jaarupdate-2024-drop-in-in-beeld');
    expect(slugOf('Café-gesprekken & “preventie” — één overzicht')).toBe(
      'cafe-gesprekken-en-preventie-een-overzicht',
    );
    const long = slugOf('woord '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('is refused when not of that form, and when another report holds it', async () => {
    const { ports } = setUp();
    await expect(createReport(ports, { ...jaarupdate, slug: 'Met Spaties' }, author)).rejects.toBeInstanceOf(
      InvalidInput,
    );
    await createReport(ports, jaarupdate, author);
    await expect(createReport(ports, jaarupdate, author)).rejects.toBeInstanceOf(SlugTaken);
    // The control: another title is another address.
    await expect(
      createReport(ports, { ...jaarupdate, title: 'Jaarupdate 2025' }, author),
    ).resolves.toMatchObject({
      slug: 'jaarupdate-2025',
    });
  });
});

describe('an address that cannot be made or is taken back', () => {
  it('asks for a slug when the title has no letters or digits, and lets a report take back its old one', async () => {
    const { ports } = setUp();
    await expect(createReport(ports, { ...jaarupdate, title: '🚀 — !' }, author)).rejects.toMatchObject({
      issues: [{ field: 'slug', message: expect.stringContaining('geef zelf een slug') }],
    });
    const report = await createReport(ports, { ...jaarupdate, slug: 'a' }, author);
    await updateReport(ports, report.reportId, 1, { slug: 'b' });
    const back = await updateReport(ports, report.reportId, 2, { slug: 'a' });
    expect(back.slug).toBe('a');
    // Another report cannot take either: an old address keeps naming its report.
    await expect(createReport(ports, { ...jaarupdate, slug: 'b' }, author)).rejects.toBeInstanceOf(SlugTaken);
  });
});

describe('writing a report', () => {
  it('stores a draft at version 1 with its body rendered safe; a date that does not exist is refused', async () => {
    const { ports } = setUp();
    const report = await createReport(
      ports,
      { ...jaarupdate, body: '<script>alert(1)</script> [x](javascript:alert(1))' },
      author,
    );

    expect(report).toMatchObject({ status: 'draft', version: 1, createdBy: 'sub-anna' });
    expect(report.bodyHtml).not.toMatch(/<script|href="javascript/i);
    await expect(
      createReport(ports, { ...jaarupdate, title: 'Ander', publishedOn: '2025-02-30' }, author),
    ).rejects.toBeInstanceOf(InvalidInput);
    await expect(
      createReport(ports, { ...jaarupdate, title: 'Ander', meetingId: 'M404' }, author),
    ).rejects.toBeInstanceOf(InvalidInput);
  });

  it('changes on the version read (412 otherwise), renders again, and keeps the old address naming it', async () => {
    const { ports, publication } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    await publishReportNow(publication, report.reportId, 1);

    const renamed = await updateReport(ports, report.reportId, 2, {
      slug: 'jaarupdate-2024',
      body: '# Nieuw',
    });

    expect(renamed).toMatchObject({ version: 3, slug: 'jaarupdate-2024', bodyHtml: '<h1>Nieuw</h1>' });
    await expect(updateReport(ports, report.reportId, 2, { title: 'Te laat' })).rejects.toBeInstanceOf(
      StaleReport,
    );
    expect(await publicReport(ports, 'jaarupdate-2024-drop-in-in-beeld')).toEqual({
      type: 'moved',
      slug: 'jaarupdate-2024',
    });
    expect(await publicReport(ports, 'jaarupdate-2024')).toMatchObject({ type: 'report' });
  });

  it('removes the link to a meeting with null, and keeps it when not named', async () => {
    const { ports } = setUp();
    const report = await createReport(ports, { ...jaarupdate, meetingId: 'M1' }, author);
    const kept = await updateReport(ports, report.reportId, 1, { title: 'Verslag' });
    const removed = await updateReport(ports, report.reportId, 2, { meetingId: null });

    expect(kept.meetingId).toBe('M1');
    expect(removed).not.toHaveProperty('meetingId');
  });
});

describe('publishing', () => {
  it('puts a draft online and takes it offline; every other move is a 409 naming the status', async () => {
    const { ports, clock, publication } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    await expect(publicReport(ports, report.slug)).rejects.toBeInstanceOf(NotFound);

    clock.advance(60);
    const published = await publishReportNow(publication, report.reportId, undefined);
    // Going online is its last change, as the feed's `updated` shows (never before `published`).
    expect(published).toMatchObject({
      status: 'published',
      firstPublishedAt: '2026-03-28T10:01:00.000Z',
      updatedAt: '2026-03-28T10:01:00.000Z',
    });
    expect(await publicReport(ports, report.slug)).toMatchObject({ type: 'report' });
    await expect(publishReportNow(publication, report.reportId, undefined)).rejects.toMatchObject({
      constructor: ReportConflict,
      status: 'published',
      message: expect.stringContaining('gepubliceerd'),
    });

    await unpublishReport(publication, report.reportId, undefined);
    await expect(publicReport(ports, report.slug)).rejects.toBeInstanceOf(NotFound);
    await expect(unpublishReport(publication, report.reportId, undefined)).rejects.toBeInstanceOf(
      ReportConflict,
    );
    await expect(publishReportNow(publication, report.reportId, 1)).rejects.toBeInstanceOf(StaleReport);
  });
});

describe('a report’s announcement', () => {
  it('is drafted with the report: topic publicaties, its title and link, the report’s author; for a meeting report also its confirmed participants', async () => {
    const { ports, store } = setUp();
    const report = await createReport(ports, { ...jaarupdate, title: 'Jaarupdate *2024* <b>' }, author);
    const announcement = store.mailings.mailings.get(report.announcementId ?? '')?.mailing;

    expect(announcement).toMatchObject({
      status: 'draft',
      subject: 'Nieuwe publicatie: Jaarupdate *2024* <b>',
      audience: { topics: ['publicaties'] },
      author: { subject: 'sub-anna' },
      announcesReport: report.reportId,
    });
    // What it quotes reads as typed; the link goes to the report's page.
    expect(announcement?.body).toContain('Jaarupdate \\*2024\\* \\<b\\>');
    expect(announcement?.body).toContain(
      '[Lees de publicatie](https://dropin.example/publicaties/jaarupdate-2024-b)',
    );

    const meetingReport = await createReport(
      ports,
      {
        ...jaarupdate,
        title: 'Verslag',
        kind: 'verslag-bijeenkomst',
        meetingId: 'M1',
        visibility: 'on-request',
      },
      author,
    );
    expect(store.mailings.mailings.get(meetingReport.announcementId ?? '')?.mailing).toMatchObject({
      audience: { topics: ['publicaties'], meeting: 'M1', registrations: 'confirmed' },
      body: expect.stringContaining('[Vraag de publicatie aan]'),
    });
  });

  it('starts sending when the report is published, exactly once: not again on unpublish and publish', async () => {
    const { ports, store, publication } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    const mailingId = report.announcementId ?? '';

    await publishReportNow(publication, report.reportId, undefined);
    expect(store.mailings.status(mailingId)).toBe('sending');
    await unpublishReport(publication, report.reportId, undefined);
    await publishReportNow(publication, report.reportId, undefined);

    // One move to sending in all: the second publication found no draft to send.
    expect(store.mailings.written.filter((write) => write.status === 'sending')).toHaveLength(1);
  });

  it('is not sent on its own, and a report whose announcement was deleted is published without one', async () => {
    const { ports, store, publication } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    const mailingId = report.announcementId ?? '';
    await expect(
      sendMailingNow(
        {
          ...publication,
          store: store.mailings,
          account: { standing: async () => ({ productionAccessEnabled: true }) },
        } as never,
        mailingId,
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('aankondiging van een publicatie') });

    store.mailings.mailings.delete(mailingId);
    await expect(publishReportNow(publication, report.reportId, undefined)).resolves.toMatchObject({
      status: 'published',
    });
    expect(store.mailings.written).toEqual([]);
  });

  it('over the four-eyes threshold needs its approval before the report is published or scheduled', async () => {
    const { ports, store, publication, world, clock } = setUp({ fourEyesThreshold: 2 });
    for (const id of ['p1', 'p2', 'p3']) world.subscribe(id, ['publicaties']);
    const report = await createReport(ports, jaarupdate, author);
    const mailingId = report.announcementId ?? '';

    await expect(publishReportNow(publication, report.reportId, undefined)).rejects.toMatchObject({
      message: expect.stringContaining('goedkeuring van een tweede organisator'),
    });
    await expect(
      scheduleReportAt(publication, report.reportId, new Date('2026-04-01T08:00:00Z'), undefined),
    ).rejects.toMatchObject({ message: expect.stringContaining('goedkeuring van een tweede organisator') });
    expect(store.reports.get(report.reportId)?.status).toBe('draft');
    expect(store.mailings.status(mailingId)).toBe('draft');

    // The author's test-send and a colleague's approval of this version: now it may go.
    const stored = store.mailings.mailings.get(mailingId);
    if (!stored) throw new Error('no announcement');
    const tested = recordTestSend(stored.mailing, author, ['anna@example.org'], clock.now());
    store.mailings.mailings.set(mailingId, {
      ...stored,
      mailing: approveMailing(tested, colleague, clock.now()),
    });
    await publishReportNow(publication, report.reportId, undefined);
    expect(store.mailings.status(mailingId)).toBe('sending');
  });
});

describe('a report’s PDF', () => {
  it('is completed once: a repeated call finds it kept; a refused upload leaves the report as it was', async () => {
    const { ports, store, clock } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    const completed: string[] = [];
    const removed: string[] = [];
    const documents: ReportDocuments = {
      uploadForm: async () => ({ url: 'https://s3.example', fields: {}, expiresAt: '', maxBytes: 1 }),
      complete: async (uploadId, key) => {
        completed.push(key);
        return uploadId === 'NOTPDF' ? { ok: false, reason: 'not-pdf' } : { ok: true, bytes: 1234 };
      },
      downloadUrl: async () => 'https://s3.example/x',
      remove: async (key) => {
        removed.push(key);
      },
    };
    const attachments = { store, documents, clock, ids: new SequentialIds() };

    await expect(
      attachDocument(attachments, report.reportId, { uploadId: 'NOTPDF' }, 1),
    ).rejects.toMatchObject({
      issues: [{ field: 'uploadId', message: expect.stringContaining('geen PDF') }],
    });
    expect(store.reports.get(report.reportId)?.version).toBe(1);

    const kept = await attachDocument(attachments, report.reportId, { uploadId: 'UP1' }, 1);
    expect(kept.document).toMatchObject({ key: `reports/${report.reportId}/UP1.pdf`, bytes: 1234 });
    expect(await attachDocument(attachments, report.reportId, { uploadId: 'UP1' }, undefined)).toEqual(kept);
    expect(completed.filter((key) => key.endsWith('UP1.pdf'))).toHaveLength(1);

    // Another upload replaces it; the old one is deleted (the bucket keeps its versions).
    await attachDocument(attachments, report.reportId, { uploadId: 'UP2' }, kept.version);
    expect(removed).toEqual([`reports/${report.reportId}/UP1.pdf`]);
  });
});

describe('an announcement nobody touched', () => {
  it('follows the report’s title, visibility and meeting; once an organiser edited it, it stays theirs', async () => {
    const { ports, store } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    const mailingId = report.announcementId ?? '';

    await updateReport(ports, report.reportId, 1, {
      title: 'Jaarupdate 2024',
      visibility: 'on-request',
      meetingId: 'M1',
    });
    expect(store.mailings.mailings.get(mailingId)?.mailing).toMatchObject({
      version: 1,
      subject: 'Nieuwe publicatie: Jaarupdate 2024',
      audience: { topics: ['publicaties'], meeting: 'M1', registrations: 'confirmed' },
      body: expect.stringContaining('[Vraag de publicatie aan]'),
    });
    expect(store.mailings.mailings.get(mailingId)?.rendered.text).toContain('Jaarupdate 2024');

    // An organiser changes the announcement: from then on the report's edits leave it alone.
    const stored = store.mailings.mailings.get(mailingId);
    if (!stored) throw new Error('no announcement');
    store.mailings.mailings.set(mailingId, {
      ...stored,
      mailing: editMailing(stored.mailing, 1, { subject: 'Eigen onderwerp' }, new Date()),
    });
    await updateReport(ports, report.reportId, 2, { title: 'Jaarupdate 2024 (herzien)' });
    expect(store.mailings.mailings.get(mailingId)?.mailing).toMatchObject({
      version: 2,
      subject: 'Eigen onderwerp',
    });
  });
});

describe('scheduled publication', () => {
  it('puts the schedule back when the report changed between its read and its write', async () => {
    const { ports, store, publication, scheduler } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    const first = await scheduleReportAt(publication, report.reportId, new Date('2026-03-28T11:00:00Z'), 1);
    // An edit lands while the second schedule is being made: the write fails, and T1 stays in force.
    const racing: PublicationPorts = {
      ...publication,
      scheduler: {
        scheduleOnce: async (name, at, job) => {
          await scheduler.scheduleOnce(name, at, job);
          const current = store.reports.get(report.reportId);
          if (current && at.toISOString() !== first.scheduledAt) {
            store.reports.set(report.reportId, { ...current, version: current.version + 1 });
          }
        },
        cancel: (name) => scheduler.cancel(name),
      },
    };
    await expect(
      scheduleReportAt(racing, report.reportId, new Date('2026-03-28T12:00:00Z'), undefined),
    ).rejects.toBeInstanceOf(StaleReport);
    expect(scheduler.schedules.get(reportScheduleName(report.reportId))?.job).toMatchObject({
      scheduledAt: first.scheduledAt,
    });
  });

  it('publishes at its time and starts the announcement once, however often the schedule fires', async () => {
    const { ports, store, publication, scheduler, clock } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    const at = new Date('2026-03-28T10:00:10.000Z');

    const scheduled = await scheduleReportAt(publication, report.reportId, at, 1);
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: at.toISOString() });
    const job = scheduler.schedules.get(reportScheduleName(report.reportId))?.job;
    expect(job).toEqual({ kind: 'report-publish', reportId: report.reportId, scheduledAt: at.toISOString() });
    if (job?.kind !== 'report-publish') throw new Error('no schedule');

    clock.advance(10);
    expect(await publishScheduledReport(publication, job)).toBe('published');
    expect(await publishScheduledReport(publication, job)).toBe('ignored');
    expect(store.reports.get(report.reportId)).toMatchObject({ status: 'published' });
    expect(store.mailings.written.filter((write) => write.status === 'sending')).toHaveLength(1);
  });

  it('ignores two firings at once but the first: the loser finds the report published', async () => {
    const { ports, store, publication } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    const scheduled = await scheduleReportAt(
      publication,
      report.reportId,
      new Date('2026-03-28T10:05:00.000Z'),
      undefined,
    );
    const job = { reportId: report.reportId, scheduledAt: scheduled.scheduledAt ?? '' };

    const outcomes = await Promise.all([
      publishScheduledReport(publication, job),
      publishScheduledReport(publication, job),
    ]);

    expect(outcomes.sort()).toEqual(['ignored', 'published']);
    expect(store.mailings.written.filter((write) => write.status === 'sending')).toHaveLength(1);
  });

  it('ignores a firing for another time, or after the report was taken off its schedule', async () => {
    const { ports, publication, scheduler, store } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    await scheduleReportAt(publication, report.reportId, new Date('2026-03-28T11:00:00Z'), undefined);
    const moved = await scheduleReportAt(publication, report.reportId, new Date('2026-03-28T12:00:00Z'), 2);

    expect(
      await publishScheduledReport(publication, {
        reportId: report.reportId,
        scheduledAt: '2026-03-28T11:00:00.000Z',
      }),
    ).toBe('ignored');
    await unpublishReport(publication, report.reportId, moved.version);
    expect(scheduler.schedules.has(reportScheduleName(report.reportId))).toBe(false);
    expect(
      await publishScheduledReport(publication, {
        reportId: report.reportId,
        scheduledAt: '2026-03-28T12:00:00.000Z',
      }),
    ).toBe('ignored');
    expect(store.reports.get(report.reportId)?.status).toBe('draft');
    await expect(
      scheduleReportAt(publication, report.reportId, new Date('2026-03-28T09:00:00Z'), undefined),
    ).rejects.toBeInstanceOf(InvalidInput);
  });

  it('goes back to draft with the reason when four eyes refuse at the time it fires, and sends nothing', async () => {
    const { ports, store, publication, world } = setUp({ fourEyesThreshold: 2 });
    const report = await createReport(ports, jaarupdate, author);
    const scheduled = await scheduleReportAt(
      publication,
      report.reportId,
      new Date('2026-03-28T10:05:00.000Z'),
      undefined,
    );
    // The audience grew past the threshold after it was scheduled.
    for (const id of ['p1', 'p2', 'p3']) world.subscribe(id, ['publicaties']);

    const outcome = await publishScheduledReport(publication, {
      reportId: report.reportId,
      scheduledAt: scheduled.scheduledAt ?? '',
    });

    expect(outcome).toBe('refused');
    expect(store.reports.get(report.reportId)).toMatchObject({
      status: 'draft',
      notice: expect.stringContaining('De geplande publicatie is niet doorgegaan'),
    });
    expect(store.mailings.written).toEqual([]);
  });
});

describe('the demo reports', () => {
  it('are the year update, its publications and one report on request; seeding twice adds nothing', async () => {
    const store = new InMemoryReportStore();
    await seedReports(store);
    await seedReports(store);

    const reports = [...store.reports.values()];
    expect(reports).toHaveLength(demoReports.length);
    expect(reports.map((report) => report.kind).sort()).toEqual([
      'jaarupdate',
      ...Array(5).fill('publicatie'),
      'verslag-bijeenkomst',
    ]);
    for (const report of reports) {
      // Each holds as an organiser's would: its address and date pass the model's checks.
      expect(() =>
        newReport(report, report.bodyHtml, { reportId: 'x', author: 'seed', now: new Date() }),
      ).not.toThrow();
    }
    const update = store.reports.get('jaarupdate-2024');
    expect(update?.bodyHtml).toContain(
      '<h2>Landelijk Kennisnetwerk reizend van Utrecht tot aan Bergen op Zoom</h2>',
    );
    expect(update?.bodyHtml).not.toContain('](#)');
    expect(store.reports.get('verslag-2024-bergen-op-zoom')).toMatchObject({
      visibility: 'on-request',
      meetingId: 'kennisnetwerk-2024-bergen-op-zoom',
    });
  });
});

describe('the pages that list reports', () => {
  it('say a list could not be read instead of failing the home page, and never contradict a next link', () => {
    const home = renderHomePage({ meetings: undefined, reports: [] });
    expect(home).toContain('De bijeenkomsten zijn nu even niet te laden');
    expect(home).toContain('Hier verschijnen de jaarupdates');

    const site = { siteUrl: 'http://localhost:3000', continued: false } as const;
    const emptyButMore = renderReportArchive([], { ...site, kind: 'jaarupdate', nextCursor: 'x' });
    expect(emptyButMore).toContain('er zijn er misschien verderop');
    expect(emptyButMore).toContain('Oudere publicaties');
    // The control: with nothing further, the page says there are none.
    expect(renderReportArchive([], { ...site, kind: 'jaarupdate', nextCursor: null })).toContain(
      'Hier staan (nog) geen publicaties van deze soort',
    );
  });
});
