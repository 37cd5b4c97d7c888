import type { FieldIssue } from '../../core/errors';
import { paths } from '../../paths';
import { errorSummary, honeypotField, issueFor, textField } from '../forms';
import { html } from '../html';
import { renderPage } from '../page';

const labels = { email: 'E-mailadres' };

/** Purposes whose fresh link we mail: the ones a link lives long for (preferences, unsubscribing). */
const mailedPurposes = new Set(['unsubscribe', 'manage-preferences']);

/**
 * What a link signed with a retired key opens (docs/architecture.md, "Links and tokens"), and the form at
 * `paths.freshLink`. For the newsletter it offers to mail a fresh link to the preferences, which unsubscribe
 * too; other links were short-lived, and the page says where a new one comes from.
 */
export const renderFreshLinkPage = (
  purpose: string,
  values: { email: string } = { email: '' },
  issues: readonly FieldIssue[] = [],
): string => {
  if (!mailedPurposes.has(purpose)) {
    return renderPage({
      title: 'Deze link is verouderd',
      main: html`<h1>Deze link is verouderd</h1>
<p class="lead">Deze link is te oud om nog te gebruiken.</p>
<p>Meld je opnieuw aan met hetzelfde e-mailadres, dan krijg je een e-mail met een nieuwe link: voor een bijeenkomst op de pagina van die bijeenkomst, voor de nieuwsbrief op de <a href="${paths.newsletter}">aanmeldpagina</a>, voor een publicatie op aanvraag op de pagina van die publicatie (via <a href="${paths.reports}">Publicaties</a>).</p>
<p><a href="${paths.meetings}">Naar de bijeenkomsten</a></p>`,
    });
  }
  return renderPage({
    title: issues.length ? 'Fout: vraag een nieuwe link aan' : 'Vraag een nieuwe link aan',
    main: html`<h1>Vraag een nieuwe link aan</h1>
<p class="lead">De link die je gebruikte, is te oud om nog te werken. Vul je e-mailadres in, dan sturen we je een nieuwe link waarmee je je voorkeuren aanpast of je afmeldt.</p>
${errorSummary(issues, labels)}
<form method="post" action="${paths.freshLink}" novalidate>
${textField({ name: 'email', label: labels.email, type: 'email', value: values.email, autocomplete: 'email', required: true, maxLength: 254, hint: 'Het adres waarop je de nieuwsbrief ontvangt.', issue: issueFor(issues, 'email') })}
${honeypotField('website')}
<button type="submit">Stuur me een nieuwe link</button>
</form>`,
  });
};

/** The same answer whatever the address's state: nobody learns from it whether an address is subscribed. */
export const renderFreshLinkSent = (): string =>
  renderPage({
    title: 'Kijk in je mail',
    main: html`<h1>Kijk in je mail</h1>
<p class="lead">Als dit adres bij ons is aangemeld voor de nieuwsbrief, krijg je binnen een paar minuten een e-mail met een nieuwe link.</p>
<p>Geen e-mail gekregen? Kijk in je map met ongewenste e-mail. Krijg je niets, dan ben je niet (meer) aangemeld.</p>
<p><a href="${paths.home}">Naar de homepage</a></p>`,
  });
