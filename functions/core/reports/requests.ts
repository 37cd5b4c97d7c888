import { DomainError, NotFound } from '../errors';
import type { OutboxMail } from '../mailings/outbox';
import type { Organiser } from '../organisers/identity';
import { type MailRate, type MailRateChange, nextMailRate } from '../people/mail-rate';
import { normaliseAddress } from '../people/person-id';
import { ConcurrentChange } from '../ports';
import type { ReportDocuments } from './documents';
import { isSlug, type Report } from './report';
import type { ReportStore } from './use-cases';

/**
 * Reports on request (docs/architecture.md, "Reports on request"): the page of an on-request report has a
 * form; the requester confirms by mail (a POST behind the link, so a mail scanner confirms nothing), then gets
 * a signed link, valid 7 days, to a page that issues a fresh short-lived download URL per click. Per report an
 * organiser may have to approve each request first. One request per person and report: asking again sends
 * the mail of where it stands again (at most one a minute), and every answer to the form is the same page,
 * so it tells nobody whether an address asked before.
 */

export const requestStatuses = ['unconfirmed', 'awaiting-approval', 'granted'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** What a requester fills in. */
export interface RequestForm {
  readonly email: string;
  readonly name: string;
  readonly organisation: string;
  readonly purpose?: string;
  readonly consentVersion: string;
}

export interface ReportRequest extends RequestForm {
  readonly reportId: string;
  readonly personId: string;
  readonly status: RequestStatus;
  readonly requestedAt: string;
  /** When the last mail about it went out (a new one waits a minute). */
  readonly lastMailedAt: string;
  readonly confirmedAt?: string;
  readonly grantedAt?: string;
  /** The organiser who approved it, when the report asks for approval. */
  readonly approvedBy?: string;
  readonly downloads: number;
  readonly lastDownloadAt?: string;
}

/** The id a request's links carry: the report and the person, never the address. */
export const requestKey = (reportId: string, personId: string): string => `${reportId}.${personId}`;

/** A report id holds no dot (a ULID, or a seed's slug): the key splits at its first. */
const parseRequestKey = (key: string): { reportId: string; personId: string } => {
  const at = key.indexOf('.');
  const [reportId, personId] = [key.slice(0, at), key.slice(at + 1)];
  if (at < 1 || !personId) throw new NotFound('Deze aanvraag bestaat niet (meer).');
  return { reportId, personId };
};

export interface ReportRequestStore {
  get(reportId: string, personId: string): Promise<ReportRequest | undefined>;
  /** The person's mails on their own request this hour (core/people/mail-rate.ts). */
  loadMailRate(personId: string): Promise<MailRate>;
  /**
   * Writes the request with its mails (and the person's mail rate, when given) in one transaction,
   * conditional on the request being as `previous` says (absent, or in its status); ConcurrentChange when
   * another write came first.
   */
  save(
    previous: ReportRequest | undefined,
    next: ReportRequest,
    mails: readonly OutboxMail[],
    mailRate?: MailRateChange,
  ): Promise<void>;
  /** Counts one download. */
  countDownload(reportId: string, personId: string, at: Date): Promise<void>;
  /** A report's requests, oldest first. */
  list(reportId: string): Promise<readonly ReportRequest[]>;
}

/** Confirming and approving: the request is named by its key, nobody is keyed by address. */
export interface ReportRequestPorts {
  readonly reports: Pick<ReportStore, 'get' | 'bySlug'>;
  readonly requests: ReportRequestStore;
  readonly clock: { now(): Date };
}

/** Asking: the address typed is keyed (the person-id key). */
export interface RequestingPorts extends ReportRequestPorts {
  readonly personIds: { of(address: string): string };
}

export interface ReportDownloadPorts extends Pick<ReportRequestPorts, 'reports' | 'requests' | 'clock'> {
  readonly documents: Pick<ReportDocuments, 'downloadUrl'>;
}

/** A request the report does not take: not on request, not published, or without its document yet. */
export class NotRequestable extends DomainError {
  readonly code = 'not-requestable';
}

/** How long after one mail about a request the next may go. */
const mailPauseMs = 60_000;
/** How long a download URL works: long enough to start the download, too short to pass on. */
export const downloadUrlSeconds = 60;

/** A published on-request report with its document: the only kind a request is for. */
export const isRequestable = (
  report: Report | undefined,
): report is Report & Required<Pick<Report, 'document'>> =>
  report?.status === 'published' && report.visibility === 'on-request' && report.document !== undefined;

const mailAbout = (
  request: ReportRequest,
  report: Report,
  kind: 'report-request-confirm' | 'report-request-granted',
  at: Date,
): OutboxMail => ({
  // One per request, kind and second: two submissions in the same second write one mail.
  mailId: `${requestKey(request.reportId, request.personId)}.${kind === 'report-request-confirm' ? 'confirm' : 'granted'}.${Math.floor(at.getTime() / 1000)}`,
  kind,
  recipient: { personId: request.personId, address: request.email, name: request.name },
  data: {
    requestKey: requestKey(request.reportId, request.personId),
    reportId: report.reportId,
    title: report.title,
    slug: report.slug,
  },
  createdAt: at.toISOString(),
});

/**
 * Written as read, with the person's mail rate when they asked. A concurrent write (a double submit) is as
 * good as this one: the form's answer is the same page either way.
 */
const saved = async (
  ports: ReportRequestPorts,
  previous: ReportRequest | undefined,
  next: ReportRequest,
  mails: readonly OutboxMail[],
  mailRate?: MailRateChange,
): Promise<void> => {
  try {
    await ports.requests.save(previous, next, mails, mailRate);
  } catch (error) {
    if (!(error instanceof ConcurrentChange)) throw error;
  }
};

/**
 * Someone asks for a report.
 * 1. Only a published on-request report with its document takes requests (otherwise NotRequestable).
 * 2. New, or not yet confirmed: stored (the latest details) with a confirm mail.
 * 3. Granted already: the download link again. Awaiting approval: nothing new.
 * At most one mail a minute per request, and the person's hourly share of mails on their own request
 * (core/people/mail-rate.ts, shared with subscriptions and registrations): the form cannot flood an address.
 */
export const requestReport = async (
  ports: RequestingPorts,
  slug: string,
  form: RequestForm,
): Promise<void> => {
  const report = isSlug(slug) ? await ports.reports.bySlug(slug) : undefined;
  if (!isRequestable(report) || report.slug !== slug) {
    throw new NotRequestable('Deze publicatie is niet (meer) op aanvraag beschikbaar.');
  }
  const now = ports.clock.now();
  const email = normaliseAddress(form.email);
  const personId = ports.personIds.of(email);
  const existing = await ports.requests.get(report.reportId, personId);
  if (existing && now.getTime() - Date.parse(existing.lastMailedAt) < mailPauseMs) return;
  if (existing?.status === 'awaiting-approval') return;
  const mailRate = nextMailRate(await ports.requests.loadMailRate(personId), now);
  if (!mailRate) return;
  if (existing?.status === 'granted') {
    const next = { ...existing, lastMailedAt: now.toISOString() };
    await saved(ports, existing, next, [mailAbout(next, report, 'report-request-granted', now)], mailRate);
    return;
  }
  const next: ReportRequest = {
    reportId: report.reportId,
    personId,
    email,
    name: form.name,
    organisation: form.organisation,
    ...(form.purpose ? { purpose: form.purpose } : {}),
    consentVersion: form.consentVersion,
    status: 'unconfirmed',
    requestedAt: existing?.requestedAt ?? now.toISOString(),
    lastMailedAt: now.toISOString(),
    downloads: 0,
  };
  await saved(ports, existing, next, [mailAbout(next, report, 'report-request-confirm', now)], mailRate);
};

/** Where a request stands after its confirmation, as the page says it. */
export type ConfirmOutcome = 'granted' | 'awaiting-approval';

const findRequest = async (ports: Pick<ReportRequestPorts, 'reports' | 'requests'>, key: string) => {
  const { reportId, personId } = parseRequestKey(key);
  const [request, report] = await Promise.all([
    ports.requests.get(reportId, personId),
    ports.reports.get(reportId),
  ]);
  if (!request || !report) throw new NotFound('Deze aanvraag bestaat niet (meer).');
  return { request, report };
};

const granted = (request: ReportRequest, now: Date, approvedBy?: string): ReportRequest => ({
  ...request,
  status: 'granted',
  grantedAt: now.toISOString(),
  lastMailedAt: now.toISOString(),
  ...(approvedBy ? { approvedBy } : {}),
});

/**
 * The requester confirms (POST behind the mailed link). Unconfirmed: granted with the download link by mail,
 * or, when the report asks for it, waiting for an organiser's approval. Confirmed before: as it stands.
 */
export const confirmRequest = async (ports: ReportRequestPorts, key: string): Promise<ConfirmOutcome> => {
  const { request, report } = await findRequest(ports, key);
  if (request.status !== 'unconfirmed') return request.status;
  if (!isRequestable(report))
    throw new NotRequestable('Deze publicatie is niet meer op aanvraag beschikbaar.');
  const now = ports.clock.now();
  const confirmed = { ...request, confirmedAt: now.toISOString() };
  if (report.approveRequests) {
    await saved(ports, request, { ...confirmed, status: 'awaiting-approval' }, []);
    return 'awaiting-approval';
  }
  const next = granted(confirmed, now);
  await saved(ports, request, next, [mailAbout(next, report, 'report-request-granted', now)]);
  return 'granted';
};

/** An organiser approves a confirmed request: granted, and the download link goes out. */
export const approveRequest = async (
  ports: ReportRequestPorts,
  reportId: string,
  personId: string,
  organiser: Organiser,
): Promise<ReportRequest> => {
  const { request, report } = await findRequest(ports, requestKey(reportId, personId));
  if (request.status !== 'awaiting-approval') {
    throw new RequestConflict(
      request.status,
      request.status === 'granted'
        ? 'Deze aanvraag is al toegekend.'
        : 'Deze aanvraag is nog niet bevestigd door de aanvrager; goedkeuren kan daarna.',
    );
  }
  if (!isRequestable(report)) {
    throw new RequestConflict(
      request.status,
      'Deze publicatie is niet (meer) op aanvraag beschikbaar: er valt niets toe te kennen.',
    );
  }
  const now = ports.clock.now();
  const next = granted(request, now, organiser.subject);
  try {
    await ports.requests.save(request, next, [mailAbout(next, report, 'report-request-granted', now)]);
  } catch (error) {
    if (!(error instanceof ConcurrentChange)) throw error;
    throw new RequestConflict(
      request.status,
      'Deze aanvraag is intussen gewijzigd (misschien al goedgekeurd). Haal het overzicht opnieuw op.',
    );
  }
  return next;
};

/** An action the request's status does not allow (409). */
export class RequestConflict extends DomainError {
  readonly code = 'request-conflict';
  constructor(
    readonly status: RequestStatus,
    message: string,
  ) {
    super(message);
  }
}

/** What the confirm page shows: the request as it stands, and its report. */
export const pendingRequest = (
  ports: Pick<ReportRequestPorts, 'reports' | 'requests'>,
  key: string,
): Promise<{ request: ReportRequest; report: Report }> => findRequest(ports, key);

/** What the download page shows: the report, and whether its document can be had. */
export const grantedRequest = async (
  ports: Pick<ReportRequestPorts, 'reports' | 'requests'>,
  key: string,
): Promise<{ request: ReportRequest; report: Report }> => {
  const { request, report } = await findRequest(ports, key);
  if (request.status !== 'granted') throw new NotFound('Deze aanvraag is (nog) niet toegekend.');
  if (!isRequestable(report))
    throw new NotRequestable('Deze publicatie is niet meer op aanvraag beschikbaar.');
  return { request, report };
};

/** One click on the download page: a fresh URL that works a minute, and the download counted. */
export const downloadRequested = async (ports: ReportDownloadPorts, key: string): Promise<string> => {
  const { request, report } = await grantedRequest(ports, key);
  const { key: objectKey, filename } = report.document as NonNullable<Report['document']>;
  const url = await ports.documents.downloadUrl(objectKey, filename, downloadUrlSeconds);
  await ports.requests.countDownload(request.reportId, request.personId, ports.clock.now());
  return url;
};

/** A public report's PDF: a fresh URL per click. */
export const publicDownload = async (
  ports: {
    readonly reports: Pick<ReportStore, 'bySlug'>;
    readonly documents: Pick<ReportDocuments, 'downloadUrl'>;
  },
  slug: string,
): Promise<string> => {
  const report = isSlug(slug) ? await ports.reports.bySlug(slug) : undefined;
  if (
    report?.status !== 'published' ||
    report.visibility !== 'public' ||
    !report.document ||
    report.slug !== slug
  ) {
    throw new NotFound('Deze publicatie heeft geen document om te downloaden.');
  }
  return ports.documents.downloadUrl(report.document.key, report.document.filename, downloadUrlSeconds);
};
