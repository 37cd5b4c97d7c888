import type { Report } from '../../core/reports/report';
import type { ReportRequest, RequestStatus } from '../../core/reports/requests';
import { formatLocalTimestamp } from '../time';
import { ours, typed, utf8Bom } from './registrations';

/**
 * A report's requests for the programme's impact reporting: CSV like the registrations export (UTF-8 with
 * BOM, `;`, CRLF, typed cells neutralised against formulas), and the same rows as JSON.
 */

const statusLabels: Readonly<Record<RequestStatus, string>> = {
  unconfirmed: 'niet bevestigd',
  'awaiting-approval': 'wacht op goedkeuring',
  granted: 'toegekend',
};

export const requestsCsvHeader = [
  'Naam',
  'E-mailadres',
  'Organisatie',
  'Doel',
  'Status',
  'Aangevraagd op (Europe/Amsterdam)',
  'Toegekend op (Europe/Amsterdam)',
  'Downloads',
  'Laatste download (Europe/Amsterdam)',
  'Versie toestemmingstekst',
] as const;

const when = (instant: string | undefined): string => (instant ? formatLocalTimestamp(instant) : '');

/**
 * Only confirmed requests: an unconfirmed one may carry anyone's address, typed by someone else, and nobody
 * consented to it yet (it is deleted with its confirm link after 7 days).
 */
const confirmedOnly = (requests: readonly ReportRequest[]) =>
  requests.filter((request) => request.status !== 'unconfirmed');

export const reportRequestsCsv = (requests: readonly ReportRequest[]): string => {
  const lines = [
    requestsCsvHeader.map(ours).join(';'),
    ...confirmedOnly(requests).map((request) =>
      [
        typed(request.name),
        typed(request.email),
        typed(request.organisation),
        typed(request.purpose),
        ours(statusLabels[request.status]),
        ours(when(request.requestedAt)),
        ours(when(request.grantedAt)),
        ours(String(request.downloads ?? 0)),
        ours(when(request.lastDownloadAt)),
        ours(request.consentVersion),
      ].join(';'),
    ),
  ];
  return `${utf8Bom}${lines.join('\r\n')}\r\n`;
};

/** The requests as the organiser API answers them: the person id names a request in the approve route. */
export const reportRequestsJson = (
  report: Pick<Report, 'reportId' | 'slug' | 'approveRequests'>,
  requests: readonly ReportRequest[],
) => ({
  reportId: report.reportId,
  approveRequests: report.approveRequests === true,
  /** Requests not (yet) confirmed: counted, not shown. */
  unconfirmed: requests.length - confirmedOnly(requests).length,
  items: confirmedOnly(requests).map((request) => ({
    personId: request.personId,
    name: request.name,
    email: request.email,
    organisation: request.organisation,
    ...(request.purpose ? { purpose: request.purpose } : {}),
    status: request.status,
    statusLabel: statusLabels[request.status],
    requestedAt: request.requestedAt,
    ...(request.confirmedAt ? { confirmedAt: request.confirmedAt } : {}),
    ...(request.grantedAt ? { grantedAt: request.grantedAt } : {}),
    ...(request.approvedBy ? { approvedBy: request.approvedBy } : {}),
    downloads: request.downloads ?? 0,
    ...(request.lastDownloadAt ? { lastDownloadAt: request.lastDownloadAt } : {}),
    consentVersion: request.consentVersion,
  })),
});

export const reportRequestsFileName = (report: Pick<Report, 'slug'>): string =>
  `aanvragen-${report.slug.slice(0, 60)}.csv`;
