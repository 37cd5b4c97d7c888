import type { FieldIssue } from '../../core/errors';
import {
  type Report,
  type ReportKind,
  type ReportSummary,
  reportKindNames,
  reportKinds,
} from '../../core/reports/report';
import type { ReportRequestConsent } from '../../core/reports/request-consent';
import { meetingPath, paths, reportFilePath, reportPath } from '../../paths';
import { Html, html } from '../html';
import { renderPage } from '../page';
import { formatDate } from '../time';
import { emptyRequestForm, type RequestFormValues, requestForm } from './report-requests';

/** A report's date (a calendar day) as the site writes dates: "12 maart 2025". */
const dayOf = (publishedOn: string): string => formatDate(`${publishedOn}T12:00:00Z`);

const archiveLink = (kind: ReportKind | undefined, cursor?: string): string => {
  const query = new URLSearchParams({ ...(kind ? { soort: kind } : {}), ...(cursor ? { cursor } : {}) });
  return query.size ? `${paths.reports}?${query}` : paths.reports;
};

const kindFilter = (current: ReportKind | undefined): Html =>
  html`<nav class="kinds" aria-label="Soort publicatie">${[undefined, ...reportKinds].map(
    (kind) =>
      html`<a href="${archiveLink(kind)}"${kind === current ? html` aria-current="page"` : ''}>${kind ? reportKindNames[kind] : 'Alles'}</a>`,
  )}</nav>`;

/** /publicaties: the published reports, newest first, one kind or all, a page at a time. */
export const renderReportArchive = (
  reports: readonly ReportSummary[],
  options: {
    readonly kind?: ReportKind;
    /** A later page (opened with a cursor). */
    readonly continued: boolean;
    readonly nextCursor: string | null;
    readonly siteUrl: string;
  },
): string =>
  renderPage({
    title: 'Publicaties',
    main: html`<h1>Publicaties</h1>
<p class="lead">De jaarupdates, tussentijdse resultaten, verslagen van bijeenkomsten en publicaties van Drop In.</p>
${kindFilter(options.kind)}
${
  reports.length === 0
    ? html`<p>${
        options.nextCursor
          ? 'Op deze pagina staan geen publicaties van deze soort; er zijn er misschien verderop'
          : options.continued
            ? 'Er zijn geen oudere publicaties'
            : `Hier staan (nog) geen publicaties${options.kind ? ' van deze soort' : ''}`
      }.</p>`
    : html`<ul class="reports">${reports.map(
        (report) => html`<li>
<h2><a href="${reportPath(report.slug)}">${report.title}</a></h2>
<p>${reportKindNames[report.kind]} · ${dayOf(report.publishedOn)}${report.visibility === 'on-request' ? ' · op aanvraag' : ''}</p>
<p>${report.summary}</p>
</li>`,
      )}</ul>`
}
${options.nextCursor ? html`<p><a href="${archiveLink(options.kind, options.nextCursor)}">Oudere publicaties</a></p>` : ''}
<h2>Op de hoogte blijven</h2>
<p>Nieuwe publicaties komen in de feed: <a href="${paths.reportsFeed}">${options.siteUrl}${paths.reportsFeed}</a>. Liever per e-mail? <a href="${paths.newsletter}">Meld je aan voor de nieuwsbrief</a> en kies het onderwerp publicaties.</p>`,
  });

/**
 * /publicaties/{slug}: one report, its body as rendered (and sanitised) when it was saved. A public report
 * with a PDF links to it; an on-request one with a PDF carries the request form (with what was typed and
 * what was wrong, when the form comes back).
 */
export const renderReportPage = (
  report: Report,
  consent: ReportRequestConsent,
  request: { readonly values: RequestFormValues; readonly issues: readonly FieldIssue[] } = {
    values: emptyRequestForm,
    issues: [],
  },
): string =>
  renderPage({
    title: request.issues.length ? `Fout: ${report.title}` : report.title,
    main: html`<p><a href="${paths.reports}">Publicaties</a></p>
<h1>${report.title}</h1>
<p>${reportKindNames[report.kind]} · ${dayOf(report.publishedOn)}${
      report.meetingId
        ? html` · <a href="${meetingPath({ meetingId: report.meetingId })}">de bijeenkomst</a>`
        : ''
    }</p>
<p class="lead">${report.summary}</p>
${
  report.visibility === 'on-request'
    ? report.document
      ? requestForm(report, request.values, request.issues, consent)
      : html`<div class="card"><p>Het volledige document is op aanvraag beschikbaar. Het aanvragen kan binnenkort via deze pagina.</p></div>`
    : report.document
      ? html`<p><a class="button" href="${reportFilePath(report.slug)}" download>Download de PDF (${Math.max(1, Math.round(report.document.bytes / 1024))} kB)</a></p>`
      : ''
}
<article>${new Html(report.bodyHtml)}</article>`,
  });
