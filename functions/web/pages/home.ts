import type { Meeting } from '../../core/meetings/model';
import { type ReportSummary, reportKindNames } from '../../core/reports/report';
import { meetingPath, paths, reportPath } from '../../paths';
import { html } from '../html';
import { renderPage } from '../page';
import { formatDate } from '../time';

/**
 * The home page: what Drop In is, in the programme's own words (jaarupdate 2024), the next meetings and the
 * latest publications.
 */
export const renderHomePage = (next: {
  /** Undefined: that list could not be read now (the page still shows, with a link to the list). */
  readonly meetings: readonly Meeting[] | undefined;
  readonly reports: readonly ReportSummary[] | undefined;
}): string =>
  renderPage({
    title: 'Jongerenwerk en criminaliteitspreventie',
    main: html`<h1>Drop In</h1>
<p class="lead">Drop In (2023–2026) onderzoekt de rol van het jongerenwerk in criminaliteitspreventie en versterkt die, met praktijkgericht onderzoek en uitwisseling tussen jongerenwerkers, managers en beleidsmedewerkers.</p>
<h2>Komende bijeenkomsten</h2>
${
  next.meetings === undefined
    ? html`<p>De bijeenkomsten zijn nu even niet te laden: zie <a href="${paths.meetings}">alle bijeenkomsten</a>.</p>`
    : next.meetings.length === 0
      ? html`<p>Er staan op dit moment geen bijeenkomsten gepland. <a href="${paths.newsletter}">Meld je aan voor de nieuwsbrief</a> om te horen wanneer er een nieuwe is.</p>`
      : html`<ul class="meetings">${next.meetings.map(
          (meeting) => html`<li><h3><a href="${meetingPath(meeting)}">${meeting.title}</a></h3>
<p>${formatDate(meeting.startsAt)} · ${meeting.city}${meeting.status === 'cancelled' ? ' · geannuleerd' : ''}</p></li>`,
        )}</ul>
<p><a href="${paths.meetings}">Alle bijeenkomsten</a></p>`
}
<h2>Nieuwste publicaties</h2>
${
  next.reports === undefined
    ? html`<p>De publicaties zijn nu even niet te laden: zie <a href="${paths.reports}">alle publicaties</a>.</p>`
    : next.reports.length === 0
      ? html`<p>Hier verschijnen de jaarupdates, tussentijdse resultaten en verslagen van Drop In.</p>`
      : html`<ul class="reports">${next.reports.map(
          (report) => html`<li><h3><a href="${reportPath(report.slug)}">${report.title}</a></h3>
<p>${reportKindNames[report.kind]} · ${formatDate(`${report.publishedOn}T12:00:00Z`)}</p></li>`,
        )}</ul>
<p><a href="${paths.reports}">Alle publicaties</a></p>`
}
<h2>Praktijkgericht onderzoek in drie regio's</h2>
<p>In Twente, Limburg en Noord-Holland werken onderzoekers van Saxion, Hogeschool Zuyd en de Hogeschool van Amsterdam samen met jongerenwerkers in onderzoekswerkplaatsen.</p>
<h2>Het landelijk kennisnetwerk</h2>
<p>Het reizend landelijk kennisnetwerk voor jongerenwerkers, hun managers en beleidsmedewerkers van PMG-gemeenten telt 150 deelnemers. In 2024 kwamen we samen in Utrecht, Nijmegen, Dordrecht, Amsterdam en Bergen op Zoom.</p>
<div class="card">
<p>Nieuws over bijeenkomsten en publicaties in je mailbox? <a href="${paths.newsletter}">Meld je aan voor de nieuwsbrief</a> en kies je onderwerpen.</p>
</div>`,
  });
