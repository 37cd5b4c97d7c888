import type { Meeting } from '../../core/meetings/model';
import type { ReportSummary } from '../../core/reports/report';
import { meetingPath, paths, reportPath } from '../../paths';
import { html } from '../html';
import { renderPage } from '../page';
import { formatDate } from '../time';

/** /bijeenkomsten/eerder: past meetings, latest first, with the reports that name them. */
export const renderPastMeetings = (meetings: readonly Meeting[], reports: readonly ReportSummary[]): string =>
  renderPage({
    title: 'Eerdere bijeenkomsten',
    main: html`<p><a href="${paths.meetings}">Bijeenkomsten</a></p>
<h1>Eerdere bijeenkomsten</h1>
<p class="lead">Waar het kennisnetwerk al samenkwam, met de verslagen die er zijn.</p>
${
  meetings.length === 0
    ? html`<p>Er zijn nog geen eerdere bijeenkomsten.</p>`
    : html`<ul class="meetings">${meetings.map((meeting) => {
        const own = reports.filter((report) => report.meetingId === meeting.meetingId);
        return html`<li>
<h2><a href="${meetingPath(meeting)}">${meeting.title}</a></h2>
<p>${formatDate(meeting.startsAt)} · ${meeting.city}</p>
${own.map(
  (report) =>
    html`<p><a href="${reportPath(report.slug)}">${report.title}</a>${report.visibility === 'on-request' ? ' (op aanvraag)' : ''}</p>`,
)}
</li>`;
      })}</ul>`
}`,
  });
