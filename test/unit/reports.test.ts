import { describe, expect, it } from 'vitest';
import { InvalidInput, NotFound } from '../../functions/core/errors';
import type { Organiser } from '../../functions/core/organisers/identity';
import {
  newReport,
  ReportConflict,
  SlugTaken,
  StaleReport,
  slugOf,
} from '../../functions/core/reports/report';
import {
  changeReportStatus,
  createReport,
  publicReport,
  type ReportPorts,
  updateReport,
} from '../../functions/core/reports/use-cases';
import { renderHomePage } from '../../functions/web/pages/home';
import { renderReportArchive } from '../../functions/web/pages/reports';
import { parseMarkdown, safeHtml } from '../../functions/web/safe-markdown';
import { demoReports, seedReports } from '../../local/seed/reports';
import { FixedClock, SequentialIds } from '../support/in-memory-ports';
import { InMemoryReportStore } from '../support/in-memory-reports';

const author: Organiser = {
  subject: 'sub-anna',
  email: 'anna@example.org',
  name: 'Anna',
  groups: ['organisers'],
};

const setUp = () => {
  const store = new InMemoryReportStore();
  const clock = new FixedClock(new Date('2026-03-28T10:00:00.000Z'));
  const ports: ReportPorts = {
    store,
    render: (markdown) => safeHtml(parseMarkdown(markdown)),
    meetings: { getMeeting: async (id) => (id === 'M1' ? { meetingId: id } : undefined) },
    clock,
    ids: new SequentialIds(),
  };
  return { store, clock, ports };
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
    const { ports } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    await changeReportStatus(ports, report.reportId, 'publish', 1);

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
    const { ports, clock } = setUp();
    const report = await createReport(ports, jaarupdate, author);
    await expect(publicReport(ports, report.slug)).rejects.toBeInstanceOf(NotFound);

    clock.advance(60);
    const published = await changeReportStatus(ports, report.reportId, 'publish', undefined);
    // Going online is its last change, as the feed's `updated` shows (never before `published`).
    expect(published).toMatchObject({
      status: 'published',
      firstPublishedAt: '2026-03-28T10:01:00.000Z',
      updatedAt: '2026-03-28T10:01:00.000Z',
    });
    expect(await publicReport(ports, report.slug)).toMatchObject({ type: 'report' });
    await expect(changeReportStatus(ports, report.reportId, 'publish', undefined)).rejects.toMatchObject({
      constructor: ReportConflict,
      status: 'published',
      message: expect.stringContaining('gepubliceerd'),
    });

    await changeReportStatus(ports, report.reportId, 'unpublish', undefined);
    await expect(publicReport(ports, report.slug)).rejects.toBeInstanceOf(NotFound);
    await expect(changeReportStatus(ports, report.reportId, 'unpublish', undefined)).rejects.toBeInstanceOf(
      ReportConflict,
    );
    await expect(changeReportStatus(ports, report.reportId, 'publish', 1)).rejects.toBeInstanceOf(
      StaleReport,
    );
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
