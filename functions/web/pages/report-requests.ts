import type { FieldIssue } from '../../core/errors';
import type { Report } from '../../core/reports/report';
import type { ReportRequestConsent } from '../../core/reports/request-consent';
import type { ConfirmOutcome, ReportRequest } from '../../core/reports/requests';
import { paths, reportPath, requestReportPath } from '../../paths';
import { errorSummary, honeypotField, issueFor, textArea, textField } from '../forms';
import { type Html, html } from '../html';
import { renderPage } from '../page';

/**
 * The pages of a report on request (docs/architecture.md, "Reports on request"): the form on the report's
 * page, what follows it, the confirm page behind the mailed link and the download page.
 */

export interface RequestFormValues {
  readonly email: string;
  readonly name: string;
  readonly organisation: string;
  readonly purpose: string;
  readonly consent: boolean;
}

export const emptyRequestForm: RequestFormValues = {
  email: '',
  name: '',
  organisation: '',
  purpose: '',
  consent: false,
};

export const requestFormLabels: Record<string, string> = {
  email: 'E-mailadres',
  name: 'Naam',
  organisation: 'Organisatie',
  purpose: 'Waarvoor gebruik je de publicatie?',
  consent: 'Toestemming',
};

/** The form on an on-request report's page (the report has its document). */
export const requestForm = (
  report: Pick<Report, 'slug' | 'approveRequests'>,
  values: RequestFormValues,
  issues: readonly FieldIssue[],
  consent: ReportRequestConsent,
): Html => html`<section class="card" aria-labelledby="request-title">
<h2 id="request-title">Publicatie aanvragen</h2>
<p>Vul je gegevens in. Je krijgt een e-mail om je aanvraag te bevestigen${
  report.approveRequests
    ? '; daarna bekijkt een organisator je aanvraag, en na goedkeuring krijg je een downloadlink'
    : ', en daarna een downloadlink'
}.</p>
${errorSummary(issues, requestFormLabels)}
<form method="post" action="${requestReportPath(report.slug)}" novalidate>
${textField({ name: 'email', label: requestFormLabels.email ?? '', type: 'email', value: values.email, autocomplete: 'email', required: true, maxLength: 254, issue: issueFor(issues, 'email') })}
${textField({ name: 'name', label: requestFormLabels.name ?? '', value: values.name, autocomplete: 'name', required: true, maxLength: 100, issue: issueFor(issues, 'name') })}
${textField({ name: 'organisation', label: requestFormLabels.organisation ?? '', value: values.organisation, autocomplete: 'organization', required: true, maxLength: 200, issue: issueFor(issues, 'organisation') })}
${textArea({ name: 'purpose', label: requestFormLabels.purpose ?? '', value: values.purpose, maxLength: 500, issue: issueFor(issues, 'purpose') })}
<fieldset class="field" id="consent"${issueFor(issues, 'consent') ? html` aria-describedby="consent-error"` : ''}>
<legend>${requestFormLabels.consent}</legend>
${issueFor(issues, 'consent') ? html`<p class="field-error" id="consent-error">${issueFor(issues, 'consent')?.message}</p>` : ''}
<div class="choice"><input type="checkbox" id="consent-true" name="consent" value="true"${values.consent ? html` checked` : ''}><label for="consent-true">${consent.text}</label></div>
</fieldset>
<input type="hidden" name="consentVersion" value="${consent.version}">
${honeypotField('website')}
<button type="submit">Aanvragen</button>
</form>
</section>`;

export const renderRequestReceived = (report: Pick<Report, 'title' | 'slug'>): string =>
  renderPage({
    title: 'Kijk in je mail',
    main: html`<h1>Kijk in je mail</h1>
<p class="lead">We hebben je een e-mail gestuurd over "${report.title}". Klik op de link in die e-mail om je aanvraag te bevestigen.</p>
<p>Geen e-mail gekregen? Kijk in je map met ongewenste e-mail, of vraag de publicatie over een paar minuten opnieuw aan. Had je haar al eerder gekregen, dan sturen we je de downloadlink opnieuw.</p>
<p><a href="${reportPath(report.slug)}">Terug naar de publicatie</a></p>`,
  });

/**
 * Opened from the confirm mail: only the button confirms, so a mail scanner that opens the link does not. It
 * shows what is confirmed, as it was last sent with this address.
 */
export const renderRequestConfirmPage = (
  report: Pick<Report, 'title'>,
  request: Pick<ReportRequest, 'name' | 'organisation' | 'purpose'>,
): string =>
  renderPage({
    title: 'Bevestig je aanvraag',
    main: html`<h1>Bevestig je aanvraag</h1>
<p class="lead">Nog één stap: bevestig dat je "${report.title}" wilt ontvangen, met deze gegevens:</p>
<ul>
<li>Naam: ${request.name}</li>
<li>Organisatie: ${request.organisation}</li>
${request.purpose ? html`<li>Doel: ${request.purpose}</li>` : ''}
</ul>
<p>Klopt er iets niet? Vraag de publicatie dan opnieuw aan op haar pagina; de laatste aanvraag telt.</p>
<form method="post"><button type="submit">Aanvraag bevestigen</button></form>`,
  });

export const renderRequestConfirmed = (
  outcome: ConfirmOutcome,
  report: Pick<Report, 'title' | 'slug'>,
): string =>
  renderPage({
    title: 'Aanvraag bevestigd',
    main: html`<h1>Je aanvraag is bevestigd</h1>
<p class="lead">${
      outcome === 'granted'
        ? `We hebben je een e-mail gestuurd met de downloadlink voor "${report.title}". De link werkt 7 dagen.`
        : `Een organisator van Drop In bekijkt je aanvraag voor "${report.title}". Na goedkeuring krijg je de downloadlink per e-mail.`
    }</p>
<p><a href="${reportPath(report.slug)}">Terug naar de publicatie</a></p>`,
  });

/** Behind the download link: each click on the button gets a fresh, short-lived download. */
export const renderDownloadPage = (
  report: Pick<Report, 'title' | 'slug' | 'document'>,
  token: string,
): string =>
  renderPage({
    title: `Download: ${report.title}`,
    main: html`<h1>${report.title}</h1>
<p class="lead">Je aanvraag is toegekend. Download de publicatie hieronder${
      report.document ? ` (PDF, ${Math.max(1, Math.round(report.document.bytes / 1024))} kB)` : ''
    }.</p>
<p><a class="button" href="${paths.reportDownloadFile}?${new URLSearchParams({ token }).toString()}" download>Download de PDF</a></p>
<p>Deze pagina werkt 7 dagen na de e-mail. Daarna kun je de publicatie opnieuw aanvragen op <a href="${reportPath(report.slug)}">haar pagina</a>.</p>`,
  });
