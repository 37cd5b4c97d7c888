import * as z from 'zod/mini';
import { reportKinds, reportStatuses, reportVisibilities } from '../../core/reports/report';
import { requestStatuses } from '../../core/reports/requests';
import { about, count, day, id, instant, listPage, named, version } from './common';

const slug = about(
  z.string(),
  'Het eigen adres: de pagina staat op `/publicaties/<slug>`. Een eerder adres blijft doorverwijzen.',
);
const kind = about(
  z.enum(reportKinds),
  '`jaarupdate`, `tussentijdse-resultaten`, `verslag-bijeenkomst` of `publicatie`.',
);
const kindName = about(z.string(), 'De soort zoals de site haar noemt, zoals `Jaarupdate`.');
const summary = about(z.string(), 'De korte samenvatting die het archief en de feed tonen (platte tekst).');
const publishedOn = about(day, 'De datum die de publicatie draagt; het archief ordent erop.');
const meetingId = about(id, 'De bijeenkomst waar de publicatie bij hoort (meestal een verslag).');
const visibility = about(
  z.enum(reportVisibilities),
  '`public`: voor iedereen; `on-request`: de pagina beschrijft het document, dat je aanvraagt.',
);
const updatedAt = about(instant, 'De laatste wijziging van de inhoud (`updated` in de feed).');
const page = about(z.string(), 'Het pad van de openbare pagina: `/publicaties/<slug>`.');

/** A report's PDF as the report names it (core/reports/report.ts, ReportDocument). */
const reportDocument = about(
  z.object({
    key: about(z.string(), 'Waar de PDF privé bewaard wordt: `reports/<reportId>/<documentId>.pdf`.'),
    filename: about(z.string(), 'De naam waaronder een download wordt opgeslagen.'),
    bytes: about(count, 'De grootte in bytes.'),
    uploadedAt: instant,
  }),
  'De PDF van de publicatie: een downloadlink als ze openbaar is, op aanvraag anders.',
);

/** Everything of a report but its body: what a list reads (ReportSummary), as organiserReportView shows it. */
const summaryFields = {
  reportId: id,
  slug,
  title: z.string(),
  kind,
  kindName,
  summary,
  publishedOn,
  meetingId: z.optional(meetingId),
  visibility,
  approveRequests: z.optional(
    about(
      z.boolean(),
      'Alleen bij `on-request`: een organisator keurt elke aanvraag goed voordat de link uitgaat.',
    ),
  ),
  status: about(z.enum(reportStatuses), '`draft` (concept), `scheduled` (ingepland) of `published`.'),
  version,
  createdAt: instant,
  updatedAt,
  firstPublishedAt: z.optional(about(instant, 'Wanneer de publicatie voor het eerst online ging.')),
  createdBy: about(z.string(), 'De organisator die haar aanmaakte (de `sub` van het account).'),
  announcementId: z.optional(
    about(
      id,
      'De mailing die de publicatie aankondigt: gaat één keer uit, bij de eerste publicatie. Verwijder die mailing om zonder aankondiging te publiceren.',
    ),
  ),
  scheduledAt: z.optional(about(instant, 'Alleen bij `scheduled`: wanneer de publicatie online gaat.')),
  notice: z.optional(
    about(z.string(), 'Waarom de laatste geplande publicatie niet doorging (ze is weer een concept).'),
  ),
  document: z.optional(reportDocument),
  page,
};

/** A report in the organisers' list (organiser-reports.ts): everything but its body. */
export const organiserReportSummary = named(
  z.object(summaryFields),
  'OrganiserReportSummary',
  'Een publicatie in de lijst van organisatoren: alles behalve de tekst zelf.',
);

/**
 * One report as organisers see it (organiserReportView of a Report): its Markdown and the HTML it renders to
 * as well. `body` and `bodyHtml` are optional only because the view takes a list's summary too: a single
 * report's answer always has both.
 */
export const organiserReport = named(
  z.object({
    ...summaryFields,
    body: z.optional(about(z.string(), 'De tekst in Markdown (bij één publicatie altijd aanwezig).')),
    bodyHtml: z.optional(
      about(
        z.string(),
        'De tekst als veilige HTML, gemaakt bij het opslaan (bij één publicatie altijd aanwezig).',
      ),
    ),
  }),
  'OrganiserReport',
  'Een publicatie zoals organisatoren haar zien: met de tekst, de status en de versie.',
);

export const organiserReportList = listPage(organiserReportSummary);

/** A published report as anyone may see it (publicReportView): no author, no version. */
export const publicReport = named(
  z.object({
    reportId: id,
    slug,
    title: z.string(),
    kind,
    kindName,
    summary,
    publishedOn,
    updatedAt,
    visibility,
    meetingId: z.optional(meetingId),
    page,
  }),
  'PublicReport',
  'Een gepubliceerde publicatie, zoals het archief haar toont.',
);

export const publicReportList = listPage(publicReport);

/** organiser-report-preview.ts: the page a report shows once published, also for a draft. */
export const reportPreview = z.object({
  page: about(z.string(), 'Het pad dat de pagina heeft of krijgt: `/publicaties/<slug>`.'),
  html: about(z.string(), 'De hele pagina zoals bezoekers haar zien (een HTML-document).'),
});

/** A presigned POST for a report's PDF (documentUploadForm, core/reports/attachments.ts). */
export const documentUploadForm = z.object({
  uploadId: about(id, 'Geef dit mee aan `PUT …/document` als de upload klaar is.'),
  url: about(z.url(), 'Waar de browser het formulier heen post.'),
  fields: about(
    z.record(z.string(), z.string()),
    'De velden die het formulier ongewijzigd meestuurt, vóór het bestand (het laatste veld, `file`).',
  ),
  expiresAt: about(instant, 'Tot wanneer het formulier werkt (15 minuten).'),
  maxBytes: about(count, 'Hoe groot de PDF hoogstens mag zijn, in bytes.'),
});

/** One confirmed request for a report on request (reportRequestsJson). */
const reportRequest = z.object({
  personId: about(id, 'De persoon (een sleutel, geen adres): hiermee keur je de aanvraag goed.'),
  name: z.string(),
  email: z.email(),
  organisation: z.string(),
  purpose: z.optional(about(z.string(), 'Waarvoor de aanvrager het document wil gebruiken.')),
  status: about(
    z.enum(requestStatuses),
    '`awaiting-approval` (wacht op goedkeuring) of `granted` (toegekend); niet-bevestigde aanvragen staan er niet in.',
  ),
  statusLabel: about(z.string(), 'De status in het Nederlands, zoals de CSV hem noemt.'),
  requestedAt: instant,
  confirmedAt: z.optional(about(instant, 'Wanneer de aanvrager de aanvraag per mail bevestigde.')),
  grantedAt: z.optional(about(instant, 'Wanneer de downloadlink werd toegekend.')),
  approvedBy: z.optional(about(z.string(), 'De organisator die goedkeurde (de `sub` van het account).')),
  downloads: about(count, 'Hoe vaak de aanvrager het document downloadde.'),
  lastDownloadAt: z.optional(instant),
  consentVersion: about(z.string(), 'De versie van de toestemmingstekst die de aanvrager zag.'),
});

/** organiser-report-requests.ts (JSON): who asked for a report on request. */
export const reportRequests = z.object({
  reportId: id,
  approveRequests: about(z.boolean(), 'Of een organisator elke aanvraag eerst goedkeurt.'),
  unconfirmed: about(count, 'Aanvragen die (nog) niet per mail zijn bevestigd: geteld, niet getoond.'),
  items: about(z.array(reportRequest), 'De bevestigde aanvragen, oudste eerst.'),
});

/** organiser-report-request-approve.ts: the request, granted. */
export const reportRequestGranted = z.object({
  personId: id,
  status: about(z.enum(requestStatuses), 'Na goedkeuren `granted`.'),
  grantedAt: z.optional(
    about(instant, 'Wanneer de aanvraag werd toegekend (na goedkeuren altijd aanwezig).'),
  ),
});

export type OrganiserReportSummaryBody = z.output<typeof organiserReportSummary>;
export type OrganiserReportBody = z.output<typeof organiserReport>;
export type OrganiserReportListBody = z.output<typeof organiserReportList>;
export type PublicReportBody = z.output<typeof publicReport>;
export type PublicReportListBody = z.output<typeof publicReportList>;
export type ReportPreviewBody = z.output<typeof reportPreview>;
export type DocumentUploadFormBody = z.output<typeof documentUploadForm>;
export type ReportRequestsBody = z.output<typeof reportRequests>;
export type ReportRequestGrantedBody = z.output<typeof reportRequestGranted>;

const jaarupdate = {
  reportId: '01JF3Q8Z6W9X2V7K4N5M8P1R3T',
  slug: 'jaarupdate-2024',
  title: 'Drop In: Jaarupdate 2024',
  kind: 'jaarupdate',
  kindName: 'Jaarupdate',
  summary:
    'Wat leverde Drop In in 2024 op? De start van het onderzoek in de regio’s, het reizende kennisnetwerk en de publicaties van het jaar.',
  publishedOn: '2025-01-31',
  visibility: 'public',
  status: 'published',
  version: 4,
  createdAt: '2025-01-20T10:12:45.118Z',
  updatedAt: '2025-01-31T09:00:00.000Z',
  firstPublishedAt: '2025-01-31T09:00:00.000Z',
  createdBy: '3f6c2a91-5b7e-4d08-a1c4-9e2b7d5f8a60',
  announcementId: '01JF3Q8Z7A2C4E6G8J0K2M4P6R',
  document: {
    key: 'reports/01JF3Q8Z6W9X2V7K4N5M8P1R3T/01JHB6T2K9M4Q7R1V5X8Z3C6F0.pdf',
    filename: 'jaarupdate-2024.pdf',
    bytes: 1843200,
    uploadedAt: '2025-01-30T15:42:08.512Z',
  },
  page: '/publicaties/jaarupdate-2024',
} satisfies OrganiserReportSummaryBody;

/** One realistic answer per schema, for the document's examples. */
export const reportExamples = {
  organiserReport: {
    ...jaarupdate,
    body: '## Het onderzoek in de regio’s\n\nIn 2024 begon het onderzoek in vijf regio’s, met jongerenwerkers van het eerste uur.',
    bodyHtml:
      '<h2>Het onderzoek in de regio’s</h2>\n<p>In 2024 begon het onderzoek in vijf regio’s, met jongerenwerkers van het eerste uur.</p>\n',
  } satisfies OrganiserReportBody,
  organiserReportSummary: jaarupdate,
  organiserReportList: {
    items: [
      jaarupdate,
      {
        reportId: '01JJ7K2M4P6R8T0V2X4Z6B8D0F',
        slug: 'tussentijdse-resultaten-onderzoekswerkplaatsen',
        title: 'Tussentijdse resultaten van de onderzoekswerkplaatsen',
        kind: 'tussentijdse-resultaten',
        kindName: 'Tussentijdse resultaten',
        summary: 'Wat de eerste ronde interviews met jongerenwerkers in Utrecht en Nijmegen laat zien.',
        publishedOn: '2025-06-15',
        visibility: 'public',
        status: 'scheduled',
        version: 2,
        createdAt: '2025-06-02T08:30:00.000Z',
        updatedAt: '2025-06-03T13:05:21.774Z',
        createdBy: '3f6c2a91-5b7e-4d08-a1c4-9e2b7d5f8a60',
        announcementId: '01JJ7K2M5Q8S0U2W4Y6A8C0E2G',
        scheduledAt: '2025-06-15T07:00:00.000Z',
        page: '/publicaties/tussentijdse-resultaten-onderzoekswerkplaatsen',
      },
    ],
    nextCursor: null,
  } satisfies OrganiserReportListBody,
  publicReport: {
    reportId: '01JF9V3X5Z7B9D1F3H5K7M9P1R',
    slug: 'verslag-kennisnetwerk-bergen-op-zoom-2024',
    title: 'Verslag: Landelijk Kennisnetwerk in Bergen op Zoom',
    kind: 'verslag-bijeenkomst',
    kindName: 'Verslag van een bijeenkomst',
    summary:
      'Het verslag van de vijfde bijeenkomst van het reizende kennisnetwerk, over jongerenwerkers op school en ervaringskennis.',
    publishedOn: '2024-12-15',
    updatedAt: '2024-12-15T09:00:00.000Z',
    visibility: 'on-request',
    meetingId: 'kennisnetwerk-2024-bergen-op-zoom',
    page: '/publicaties/verslag-kennisnetwerk-bergen-op-zoom-2024',
  } satisfies PublicReportBody,
  publicReportList: {
    items: [
      {
        reportId: jaarupdate.reportId,
        slug: jaarupdate.slug,
        title: jaarupdate.title,
        kind: jaarupdate.kind,
        kindName: jaarupdate.kindName,
        summary: jaarupdate.summary,
        publishedOn: jaarupdate.publishedOn,
        updatedAt: '2025-01-31T09:00:00.000Z',
        visibility: jaarupdate.visibility,
        page: jaarupdate.page,
      },
    ],
    nextCursor:
      'eyJQSyI6IlJFUE9SVCMwMUpGM1E4WjZXOVgyVjdLNE41TThQMVIzVCIsIlNLIjoiUkVQT1JUIiwiR1NJMVBLIjoiUkVQT1JUUyNwdWJsaXNoZWQiLCJHU0kxU0siOiIyMDI1LTAxLTMxIzAxSkYzUThaNlc5WDJWN0s0TjVNOFAxUjNUIn0',
  } satisfies PublicReportListBody,
  reportPreview: {
    page: '/publicaties/tussentijdse-resultaten-onderzoekswerkplaatsen',
    html: '<!doctype html>\n<html lang="nl">\n<head><title>Tussentijdse resultaten van de onderzoekswerkplaatsen</title></head>\n<body><main><h1>Tussentijdse resultaten van de onderzoekswerkplaatsen</h1></main></body>\n</html>\n',
  } satisfies ReportPreviewBody,
  documentUploadForm: {
    uploadId: '01JHB6T2K9M4Q7R1V5X8Z3C6F0',
    url: 'https://dropin-report-documents.s3.eu-west-1.amazonaws.com/',
    fields: {
      'Content-Type': 'application/pdf',
      bucket: 'dropin-report-documents',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'ASIAEXAMPLE/20250130/eu-west-1/s3/aws4_request',
      'X-Amz-Date': '20250130T153000Z',
      key: 'uploads/01JHB6T2K9M4Q7R1V5X8Z3C6F0.pdf',
      Policy: 'eyJleHBpcmF0aW9uIjoiMjAyNS0wMS0zMFQxNTo0NTowMFoiLCJjb25kaXRpb25zIjpbXX0=',
      'X-Amz-Signature': '5f0e8d6c4b2a19870f6e5d4c3b2a19087f6e5d4c3b2a19087f6e5d4c3b2a1908',
    },
    expiresAt: '2025-01-30T15:45:00.000Z',
    maxBytes: 20971520,
  } satisfies DocumentUploadFormBody,
  reportRequests: {
    reportId: '01JF9V3X5Z7B9D1F3H5K7M9P1R',
    approveRequests: true,
    unconfirmed: 1,
    items: [
      {
        personId: '9c1e4b7a2d5f8036a1b4c7d0e3f6a9b2',
        name: 'Sanne de Vries',
        email: 'sanne.devries@drop-in.example',
        organisation: 'Jongerenwerk Bergen op Zoom',
        purpose: 'Voor ons teamoverleg over jongerenwerk op school.',
        status: 'granted',
        statusLabel: 'toegekend',
        requestedAt: '2025-01-06T09:14:32.201Z',
        confirmedAt: '2025-01-06T09:20:11.540Z',
        grantedAt: '2025-01-07T08:02:45.003Z',
        approvedBy: '3f6c2a91-5b7e-4d08-a1c4-9e2b7d5f8a60',
        downloads: 2,
        lastDownloadAt: '2025-01-07T10:31:09.876Z',
        consentVersion: '2026-12',
      },
      {
        personId: '4a7d0c3f6b9e2158d4a7c0f3b6e9d2a5',
        name: 'Youssef El Amrani',
        email: 'y.elamrani@drop-in.example',
        organisation: 'Gemeente Utrecht',
        status: 'awaiting-approval',
        statusLabel: 'wacht op goedkeuring',
        requestedAt: '2025-01-12T19:47:03.118Z',
        confirmedAt: '2025-01-12T19:52:40.660Z',
        downloads: 0,
        consentVersion: '2026-12',
      },
    ],
  } satisfies ReportRequestsBody,
  reportRequestGranted: {
    personId: '4a7d0c3f6b9e2158d4a7c0f3b6e9d2a5',
    status: 'granted',
    grantedAt: '2025-01-13T08:15:27.412Z',
  } satisfies ReportRequestGrantedBody,
};
