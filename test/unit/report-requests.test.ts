import { describe, expect, it } from 'vitest';
import type { OutboxMail } from '../../functions/core/mailings/outbox';
import type { Organiser } from '../../functions/core/organisers/identity';
import { type MailRate, type MailRateChange, noMailsYet } from '../../functions/core/people/mail-rate';
import { ConcurrentChange } from '../../functions/core/ports';
import type { Report } from '../../functions/core/reports/report';
import {
  consentedRetentionDays,
  reportRequestConsent,
  retentionInDutch,
} from '../../functions/core/reports/request-consent';
import {
  approveRequest,
  confirmRequest,
  downloadRequested,
  NotRequestable,
  type ReportRequest,
  type ReportRequestStore,
  RequestConflict,
  requestKey,
  requestReport,
} from '../../functions/core/reports/requests';
import { reportRequestExpiresAt } from '../../functions/core/retention';
import { reportRequestForm, reportRequestInput } from '../../functions/handlers/inputs/reports';
import { renderReportPage } from '../../functions/web/pages/reports';
import { FixedClock } from '../support/in-memory-ports';
import { InMemoryReportStore } from '../support/in-memory-reports';

/** DynamoReportRequestStore over a map: the same conditions (absent, or the status and last mail read). */
class InMemoryRequests implements ReportRequestStore {
  readonly items = new Map<string, ReportRequest>();
  readonly mails: OutboxMail[] = [];
  readonly mailRates = new Map<string, MailRate>();
  async loadMailRate(personId: string) {
    return this.mailRates.get(personId) ?? noMailsYet;
  }
  async get(reportId: string, personId: string) {
    return this.items.get(requestKey(reportId, personId));
  }
  async save(
    previous: ReportRequest | undefined,
    next: ReportRequest,
    mails: readonly OutboxMail[],
    mailRate?: MailRateChange,
  ) {
    const current = this.items.get(requestKey(next.reportId, next.personId));
    const asRead = previous
      ? current?.status === previous.status && current.lastMailedAt === previous.lastMailedAt
      : current === undefined;
    if (!asRead || mails.some((mail) => this.mails.some((m) => m.mailId === mail.mailId))) {
      throw new ConcurrentChange();
    }
    if (mailRate) {
      if ((this.mailRates.get(next.personId) ?? noMailsYet).version !== mailRate.previous.version) {
        throw new ConcurrentChange();
      }
      this.mailRates.set(next.personId, { sentAt: mailRate.sentAt, version: mailRate.previous.version + 1 });
    }
    this.items.set(requestKey(next.reportId, next.personId), next);
    this.mails.push(...mails);
  }
  async countDownload(reportId: string, personId: string, at: Date) {
    const key = requestKey(reportId, personId);
    const current = this.items.get(key);
    if (current)
      this.items.set(key, { ...current, downloads: current.downloads + 1, lastDownloadAt: at.toISOString() });
  }
  async list(reportId: string) {
    return [...this.items.values()].filter((request) => request.reportId === reportId);
  }
}

const organiser: Organiser = { subject: 'sub-anna', name: 'Anna', groups: ['organisers'] };
const report = (overrides: Partial<Report> = {}): Report => ({
  reportId: 'R1',
  slug: 'verslag-bergen-op-zoom',
  title: 'Verslag Bergen op Zoom',
  kind: 'verslag-bijeenkomst',
  summary: 'Het verslag.',
  body: 'Tekst',
  bodyHtml: '<p>Tekst</p>',
  publishedOn: '2024-11-14',
  visibility: 'on-request',
  status: 'published',
  version: 2,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'sub-anna',
  document: {
    key: 'reports/R1/D1.pdf',
    filename: 'verslag.pdf',
    bytes: 1000,
    uploadedAt: '2026-01-01T00:00:00.000Z',
  },
  ...overrides,
});
const form = {
  email: 'Sam@Example.org',
  name: 'Sam',
  organisation: 'Jongerenwerk',
  consentVersion: '2026-12',
};

const setUp = async (overrides: Partial<Report> = {}) => {
  const reports = new InMemoryReportStore();
  await reports.create(report(overrides));
  const requests = new InMemoryRequests();
  const clock = new FixedClock(new Date('2026-12-03T10:00:00.000Z'));
  const urls: string[] = [];
  const ports = {
    reports,
    requests,
    personIds: { of: (address: string) => `P-${address}` },
    clock,
    documents: {
      downloadUrl: async (key: string, filename: string, seconds: number) => {
        const url = `https://s3.example/${key}?name=${filename}&expires=${seconds}&n=${urls.length}`;
        urls.push(url);
        return url;
      },
    },
  };
  return { ports, requests, clock, reports, urls, key: requestKey('R1', 'P-sam@example.org') };
};

describe('asking for a report on request', () => {
  it('stores one request per person, with a confirm mail at most once a minute', async () => {
    const { ports, requests, clock } = await setUp();
    await requestReport(ports, 'verslag-bergen-op-zoom', form);
    await requestReport(ports, 'verslag-bergen-op-zoom', form);
    expect(requests.items.size).toBe(1);
    expect(requests.mails.map((mail) => mail.kind)).toEqual(['report-request-confirm']);
    expect([...requests.items.values()][0]).toMatchObject({
      email: 'sam@example.org',
      status: 'unconfirmed',
    });

    clock.advance(61);
    await requestReport(ports, 'verslag-bergen-op-zoom', { ...form, organisation: 'Gemeente' });
    expect(requests.mails).toHaveLength(2);
    expect([...requests.items.values()][0]).toMatchObject({ organisation: 'Gemeente' });
  });

  it('keeps to the person’s hourly share of mails asked for, across reports: the form cannot flood an address', async () => {
    const { ports, requests, clock, reports } = await setUp();
    for (const id of ['R2', 'R3', 'R4']) {
      await reports.create(report({ reportId: id, slug: `verslag-${id.toLowerCase()}` }));
    }
    for (const slug of ['verslag-bergen-op-zoom', 'verslag-r2', 'verslag-r3', 'verslag-r4']) {
      await requestReport(ports, slug, form);
      clock.advance(61);
    }
    // Three an hour (core/people/mail-rate.ts): the fourth report's request is not stored, and no mail.
    expect(requests.mails).toHaveLength(3);
    expect(requests.items.size).toBe(3);
    clock.advance(3600);
    await requestReport(ports, 'verslag-r4', form);
    expect(requests.mails).toHaveLength(4);
  });

  it('is refused for a report that is public, unpublished, without its document, or asked by an old address', async () => {
    for (const overrides of [
      { visibility: 'public' as const },
      { status: 'draft' as const },
      { document: undefined },
    ]) {
      const { ports } = await setUp(overrides);
      await expect(requestReport(ports, 'verslag-bergen-op-zoom', form)).rejects.toBeInstanceOf(
        NotRequestable,
      );
    }
  });
});

describe('confirming, approving and downloading', () => {
  it('grants on confirmation with one download mail, however often it is confirmed; asking again resends the link', async () => {
    const { ports, requests, clock, key } = await setUp();
    await requestReport(ports, 'verslag-bergen-op-zoom', form);
    expect(await confirmRequest(ports, key)).toBe('granted');
    expect(await confirmRequest(ports, key)).toBe('granted');
    expect(requests.mails.map((mail) => mail.kind)).toEqual([
      'report-request-confirm',
      'report-request-granted',
    ]);

    clock.advance(61);
    await requestReport(ports, 'verslag-bergen-op-zoom', form);
    expect(requests.mails.map((mail) => mail.kind).at(-1)).toBe('report-request-granted');
  });

  it('waits for an organiser where the report asks for it; only a confirmed request is approved', async () => {
    const { ports, requests, key } = await setUp({ approveRequests: true });
    await requestReport(ports, 'verslag-bergen-op-zoom', form);
    await expect(approveRequest(ports, 'R1', 'P-sam@example.org', organiser)).rejects.toBeInstanceOf(
      RequestConflict,
    );
    expect(await confirmRequest(ports, key)).toBe('awaiting-approval');
    expect(requests.mails.map((mail) => mail.kind)).toEqual(['report-request-confirm']);
    await expect(downloadRequested(ports, key)).rejects.toMatchObject({ code: 'not-found' });

    await approveRequest(ports, 'R1', 'P-sam@example.org', organiser);
    expect(requests.mails.map((mail) => mail.kind)).toEqual([
      'report-request-confirm',
      'report-request-granted',
    ]);
    expect([...requests.items.values()][0]).toMatchObject({ status: 'granted', approvedBy: 'sub-anna' });
  });

  it('issues a fresh one-minute URL per download and counts it; none once the report went offline', async () => {
    const { ports, requests, key, reports, urls } = await setUp();
    await requestReport(ports, 'verslag-bergen-op-zoom', form);
    await confirmRequest(ports, key);

    expect(await downloadRequested(ports, key)).toBe(urls[0]);
    expect(await downloadRequested(ports, key)).toBe(urls[1]);
    expect(urls[0]).not.toBe(urls[1]);
    expect(urls[0]).toContain('expires=60');
    expect([...requests.items.values()][0]?.downloads).toBe(2);

    const current = reports.reports.get('R1') as Report;
    await reports.replace(current, { ...current, status: 'draft', version: current.version + 1 });
    await expect(downloadRequested(ports, key)).rejects.toBeInstanceOf(NotRequestable);
    expect([...requests.items.values()][0]?.downloads).toBe(2);
  });
});

describe('the consent of a report request', () => {
  it('states the stage’s retention in its text, and its version names it', () => {
    expect(reportRequestConsent(365)).toMatchObject({ version: '2026-12' });
    expect(reportRequestConsent(365).text).toContain('Na een jaar worden ze verwijderd.');
    expect(reportRequestConsent(730)).toMatchObject({ version: '2026-12/730d' });
    expect(reportRequestConsent(730).text).toContain('Na 2 jaar worden ze verwijderd.');
    expect(reportRequestConsent(90).text).toContain('Na 90 dagen worden ze verwijderd.');
    expect(retentionInDutch(1)).toBe('een dag');
  });

  it('is on the form, and the form is refused for a consent to another period’s text', () => {
    const ninety = reportRequestConsent(90);
    const page = renderReportPage(report(), ninety);
    expect(page).toContain('Na 90 dagen worden ze verwijderd.');
    expect(page).toContain(`name="consentVersion" value="${ninety.version}"`);
    const form = (consentVersion: string) =>
      reportRequestForm(ninety).safeParse(
        reportRequestInput(
          new URLSearchParams({
            email: 'sam@example.org',
            name: 'Sam',
            organisation: 'Jongerenwerk',
            consent: 'true',
            consentVersion,
          }),
        ),
      ).success;
    expect(form(ninety.version)).toBe(true);
    // The control: the year's text, consented to on a stage that keeps requests 90 days.
    expect(form(reportRequestConsent(365).version)).toBe(false);
  });
});

describe('how long a confirmed request is kept', () => {
  const requested = {
    status: 'granted',
    requestedAt: '2026-12-01T00:00:00.000Z',
    lastMailedAt: '2026-12-01T00:00:00.000Z',
  };
  const daysKept = (consentVersion: string, stageDays: number) =>
    (reportRequestExpiresAt({ ...requested, consentVersion }, stageDays) -
      Date.parse(requested.requestedAt) / 1000) /
    86_400;

  it('is the stage’s retention, but never longer than the consent given said', () => {
    expect(consentedRetentionDays('2026-12')).toBe(365);
    expect(consentedRetentionDays(reportRequestConsent(90).version)).toBe(90);
    expect(consentedRetentionDays('2099-01')).toBeUndefined();
    expect(daysKept('2026-12', 365)).toBe(365);
    // Consented to a year; the stage keeps requests two years now: still a year.
    expect(daysKept('2026-12', 730)).toBe(365);
    // The stage shortened its retention: the shorter one.
    expect(daysKept(reportRequestConsent(730).version, 90)).toBe(90);
    // The control: a version this code did not write follows the stage.
    expect(daysKept('2099-01', 730)).toBe(730);
  });
});
