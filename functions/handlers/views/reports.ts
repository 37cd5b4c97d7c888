import type { OrganiserReportBody, PublicReportBody } from '../../contract/schemas/reports';
import { type Report, type ReportSummary, reportKindNames } from '../../core/reports/report';
import { reportPath } from '../../paths';

/** The version as an entity tag: If-Match takes it back. */
export const etagOf = (report: Pick<Report, 'version'>): string => `"${report.version}"`;

/** Everything an organiser wrote and where it stands; `body` and `bodyHtml` only for a single report. */
export const organiserReportView = (report: ReportSummary | Report): OrganiserReportBody => ({
  ...report,
  kindName: reportKindNames[report.kind],
  page: reportPath(report.slug),
});

/** A published report as anyone may see it (GET /api/reports): no author, no version. */
export const publicReportView = (report: ReportSummary): PublicReportBody => ({
  reportId: report.reportId,
  slug: report.slug,
  title: report.title,
  kind: report.kind,
  kindName: reportKindNames[report.kind],
  summary: report.summary,
  publishedOn: report.publishedOn,
  updatedAt: report.updatedAt,
  visibility: report.visibility,
  ...(report.meetingId ? { meetingId: report.meetingId } : {}),
  page: reportPath(report.slug),
});
