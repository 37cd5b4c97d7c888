import type { StoredMailing } from '../../functions/core/mailings/drafts';
import { StaleMailing } from '../../functions/core/mailings/mailing';
import { ConcurrentChange } from '../../functions/core/ports';
import { type Report, type ReportSummary, SlugTaken, StaleReport } from '../../functions/core/reports/report';
import type { AnnouncementWrite, ReportPage, ReportStore } from '../../functions/core/reports/use-cases';
import { InMemoryMailingStore } from './in-memory-mailing-sending';

/**
 * DynamoReportStore over maps: the same conditions (unique slugs, versions), lists newest date first. The
 * announcements live in `mailings`, written with their report all or nothing, as the table's transaction does.
 */
export class InMemoryReportStore implements ReportStore {
  constructor(readonly mailings = new InMemoryMailingStore()) {}
  readonly reports = new Map<string, Report>();
  /** slug → reportId, as the slug items keep them (an old slug stays). */
  readonly slugs = new Map<string, string>();

  async get(reportId: string): Promise<Report | undefined> {
    return this.reports.get(reportId);
  }

  async bySlug(slug: string): Promise<Report | undefined> {
    const reportId = this.slugs.get(slug);
    return reportId ? this.reports.get(reportId) : undefined;
  }

  async create(report: Report, announcement?: StoredMailing): Promise<void> {
    if (this.reports.has(report.reportId)) throw new ConcurrentChange();
    if (announcement && this.mailings.mailings.has(announcement.mailing.mailingId)) {
      throw new ConcurrentChange();
    }
    this.#claim(report);
    this.reports.set(report.reportId, report);
    if (announcement) this.mailings.mailings.set(announcement.mailing.mailingId, announcement);
  }

  async replace(previous: Report, next: Report, announcement?: AnnouncementWrite): Promise<void> {
    if (this.reports.get(previous.reportId)?.version !== previous.version) throw new StaleReport();
    if (announcement) {
      const current = this.mailings.mailings.get(announcement.previous.mailingId)?.mailing;
      if (
        current?.version !== announcement.previous.version ||
        current.status !== announcement.previous.status
      ) {
        throw new StaleMailing();
      }
    }
    if (next.slug !== previous.slug) this.#claim(next);
    this.reports.set(next.reportId, next);
    if (announcement) await this.mailings.replace(announcement.previous, announcement.next);
  }

  async list(query: {
    readonly status: Report['status'];
    readonly kind?: Report['kind'];
    readonly cursor?: string;
    readonly limit: number;
  }): Promise<ReportPage> {
    const key = (report: Report) => `${report.publishedOn}#${report.reportId}`;
    const all = [...this.reports.values()]
      .filter((report) => report.status === query.status && (!query.kind || report.kind === query.kind))
      .sort((a, b) => (key(a) < key(b) ? 1 : -1));
    const from = query.cursor ? all.findIndex((report) => key(report) === query.cursor) + 1 : 0;
    if (from === 0 && query.cursor) throw new Error(`Unknown cursor ${query.cursor}`);
    const page = all.slice(from, from + query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ body: _body, bodyHtml: _html, ...summary }): ReportSummary => summary),
      nextCursor: last && from + query.limit < all.length ? key(last) : null,
    };
  }

  #claim(report: Report): void {
    const holder = this.slugs.get(report.slug);
    if (holder && holder !== report.reportId) throw new SlugTaken(report.slug);
    this.slugs.set(report.slug, report.reportId);
  }
}
