import type { FieldIssue } from '../../core/errors';
import { pendingSubscriptionDays } from '../../core/retention';
import { consentText } from '../../core/subscriptions/consent';
import { type Topic, topics } from '../../core/subscriptions/model';
import type { UnsubscribeScope } from '../../core/subscriptions/unsubscribe-scope';
import type { ScopedUnsubscribeOutcome } from '../../core/subscriptions/use-cases';
import { paths } from '../../paths';
import { checkboxGroup, errorSummary, honeypotField, issueFor, textField } from '../forms';
import { html } from '../html';
import { renderPage } from '../page';

export const topicLabels: Record<Topic, string> = {
  nieuwsbrief: 'De nieuwsbrief: nieuws en resultaten van Drop In, een paar keer per jaar',
  bijeenkomsten: 'Bijeenkomsten van het landelijke kennisnetwerk en de lerende netwerken',
  publicaties: 'Nieuwe publicaties, verslagen en tussentijdse resultaten',
};
const topicOptions = topics.map((topic) => ({ value: topic, label: topicLabels[topic] }));

export interface NewsletterFormValues {
  readonly email: string;
  readonly name: string;
  readonly topics: readonly string[];
  readonly consent: boolean;
}

export const emptyNewsletterForm: NewsletterFormValues = {
  email: '',
  name: '',
  topics: ['nieuwsbrief'],
  consent: false,
};

const labels = { email: 'E-mailadres', name: 'Naam', topics: 'Onderwerpen', consent: 'Toestemming' };

/** The subscription form; with issues it shows them and keeps what was entered. */
export const renderNewsletterForm = (
  values: NewsletterFormValues,
  issues: readonly FieldIssue[] = [],
): string =>
  renderPage({
    title: issues.length ? 'Fout: aanmelden voor de nieuwsbrief' : 'Aanmelden voor de nieuwsbrief',
    main: html`<h1>Aanmelden voor de nieuwsbrief</h1>
<p class="lead">Blijf op de hoogte van Drop In: het onderzoek naar de rol van het jongerenwerk in criminaliteitspreventie, de bijeenkomsten van het kennisnetwerk en nieuwe publicaties.</p>
${errorSummary(issues, labels)}
<form method="post" action="${paths.newsletter}" novalidate>
${textField({ name: 'email', label: labels.email, type: 'email', value: values.email, autocomplete: 'email', required: true, maxLength: 254, issue: issueFor(issues, 'email') })}
${textField({ name: 'name', label: labels.name, value: values.name, autocomplete: 'name', maxLength: 100, hint: 'Dan spreken we je in onze e-mails met je naam aan.', issue: issueFor(issues, 'name') })}
${checkboxGroup({ name: 'topics', legend: 'Waarover wil je e-mail ontvangen?', options: topicOptions, checked: values.topics, issue: issueFor(issues, 'topics') })}
<fieldset class="field" id="consent"${issueFor(issues, 'consent') ? html` aria-describedby="consent-error"` : ''}>
<legend>${labels.consent}</legend>
${issueFor(issues, 'consent') ? html`<p class="field-error" id="consent-error">${issueFor(issues, 'consent')?.message}</p>` : ''}
<div class="choice"><input type="checkbox" id="consent-true" name="consent" value="true"${values.consent ? html` checked` : ''}><label for="consent-true">${consentText.text}</label></div>
</fieldset>
<input type="hidden" name="consentVersion" value="${consentText.version}">
${honeypotField('website')}
<button type="submit">Aanmelden</button>
</form>
<p>Je krijgt eerst een e-mail om je aanmelding te bevestigen. Pas daarna sturen we je iets.</p>`,
  });

export const renderCheckYourMail = (): string =>
  renderPage({
    title: 'Kijk in je mail',
    main: html`<h1>Kijk in je mail</h1>
<p class="lead">We hebben je een e-mail gestuurd. Klik op de link in die e-mail om je aanmelding te bevestigen.</p>
<p>Geen e-mail gekregen? Kijk in je map met ongewenste e-mail, of meld je over een paar minuten opnieuw aan. De link in de e-mail werkt ${pendingSubscriptionDays} dagen.</p>
<p><a href="${paths.home}">Terug naar de homepage</a></p>`,
  });

/** Opened from the opt-in mail. Only the button confirms: link scanners that open the link confirm nobody. */
export const renderConfirmPage = (): string =>
  renderPage({
    title: 'Bevestig je aanmelding',
    main: html`<h1>Bevestig je aanmelding</h1>
<p class="lead">Nog één stap: bevestig dat je e-mail van Drop In wilt ontvangen.</p>
<form method="post"><button type="submit">Aanmelding bevestigen</button></form>`,
  });

export const renderConfirmed = (outcome: 'confirmed' | 'already-confirmed'): string =>
  renderPage({
    title: 'Aanmelding bevestigd',
    main: html`<h1>Je aanmelding is bevestigd</h1>
<p class="lead">${
      outcome === 'confirmed'
        ? 'Welkom! We hebben je een e-mail gestuurd met een link naar je voorkeuren.'
        : 'Je had je aanmelding al bevestigd. Er is niets veranderd.'
    }</p>
<p><a href="${paths.home}">Naar de homepage</a></p>`,
  });

export interface PreferencesView {
  readonly email: string;
  readonly name: string;
  readonly topics: readonly string[];
  /** Organiser mailings to meeting audiences are turned off (`meetingMailingsOptOutAt`): offer them again. */
  readonly meetingMailingsOff?: boolean;
  /** The box to turn them on again was ticked (kept when the form comes back with an error). */
  readonly meetingMailingsTicked?: boolean;
}

/** The field that turns organiser mailings to meeting audiences back on; only shown while they are off. */
export const meetingMailingsField = 'meetingMailings';

const meetingMailingsChoice = (view: PreferencesView) =>
  view.meetingMailingsOff
    ? html`<fieldset class="field" id="${meetingMailingsField}" aria-describedby="${meetingMailingsField}-hint">
<legend>Mailings over bijeenkomsten</legend>
<p class="hint" id="${meetingMailingsField}-hint">Je hebt mailings uitgezet die organisatoren aan deelnemers van bijeenkomsten sturen. Vink aan om ze weer te ontvangen. ${meetingMailStays}</p>
<div class="choice"><input type="checkbox" id="${meetingMailingsField}-on" name="${meetingMailingsField}" value="on"${view.meetingMailingsTicked ? html` checked` : ''}><label for="${meetingMailingsField}-on">Mailings aan deelnemers van bijeenkomsten</label></div>
</fieldset>`
    : '';

export const renderPreferences = (
  view: PreferencesView,
  { saved = false, issues = [] }: { saved?: boolean; issues?: readonly FieldIssue[] } = {},
): string =>
  renderPage({
    title: issues.length ? 'Fout: je voorkeuren' : 'Je voorkeuren',
    main: html`<h1>Je voorkeuren</h1>
${saved ? html`<p class="card" role="status">Je voorkeuren zijn opgeslagen.</p>` : ''}
${errorSummary(issues, labels)}
<p>Je ontvangt e-mail van Drop In op <strong>${view.email}</strong>.</p>
<form method="post" novalidate>
${textField({ name: 'name', label: labels.name, value: view.name, autocomplete: 'name', maxLength: 100, issue: issueFor(issues, 'name') })}
${checkboxGroup({ name: 'topics', legend: 'Waarover wil je e-mail ontvangen?', options: topicOptions, checked: view.topics, issue: issueFor(issues, 'topics') })}
${meetingMailingsChoice(view)}
<button type="submit" name="action" value="save">Opslaan</button>
</form>
<h2>Afmelden</h2>
<p>Wil je geen e-mail meer van Drop In? Dan verwijderen we je uit alle lijsten.</p>
<form method="post"><input type="hidden" name="action" value="unsubscribe"><button type="submit" class="secondary">Afmelden voor alle e-mail</button></form>`,
  });

/** The topics as "geen berichten meer over …" names them. */
const topicSubjects: Record<Topic, string> = {
  nieuwsbrief: 'de nieuwsbrief',
  bijeenkomsten: 'bijeenkomsten',
  publicaties: 'publicaties',
};
const andList = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} en ${words.at(-1)}`;
const subjectsOf = (chosen: readonly Topic[]) => andList(chosen.map((topic) => topicSubjects[topic]));

const meetingMailingsOff =
  'Je krijgt geen mailings meer die organisatoren aan deelnemers van bijeenkomsten sturen.';
const meetingMailStays =
  'Bevestigingen, herinneringen, wijzigingen en afzeggingen van bijeenkomsten waarvoor je je aanmeldt, blijven komen.';

/**
 * Opened from the footer link; the button does what a mail client's one-click unsubscribe does. It says what
 * the click will do: everything (subscription mails), the topics a mailing went to, or meeting mailings.
 */
export const renderUnsubscribePage = (scope?: UnsubscribeScope): string => {
  if (scope?.kind === 'topics') {
    return renderPage({
      title: 'Afmelden',
      main: html`<h1>Afmelden</h1>
<p class="lead">Wil je geen berichten meer ontvangen over ${subjectsOf(scope.topics)}?</p>
<p>Met de knop hieronder meld je je af voor ${subjectsOf(scope.topics)}: daarover ontvang je dan geen berichten meer. Voor andere onderwerpen blijf je aangemeld. Blijft er geen onderwerp over, dan ben je helemaal afgemeld en ontvang je geen e-mail meer van Drop In.</p>
<form method="post"><button type="submit">Afmelden</button></form>`,
    });
  }
  if (scope?.kind === 'meeting') {
    return renderPage({
      title: 'Afmelden voor mailings aan deelnemers',
      main: html`<h1>Afmelden voor mailings aan deelnemers</h1>
<p class="lead">Wil je geen mailings meer die organisatoren aan deelnemers van bijeenkomsten sturen?</p>
<p>Met de knop hieronder zet je ze uit: je krijgt dan geen mailings meer die organisatoren aan deelnemers van bijeenkomsten sturen. ${meetingMailStays}</p>
<form method="post"><button type="submit">Afmelden</button></form>`,
    });
  }
  return renderPage({
    title: 'Afmelden',
    main: html`<h1>Afmelden</h1>
<p class="lead">Wil je geen e-mail meer van Drop In ontvangen?</p>
<form method="post"><button type="submit">Afmelden</button></form>`,
  });
};

/** After the one-click POST: what the link did, by its scope and what there was to do. */
export const renderUnsubscribeDone = (scope: UnsubscribeScope, outcome: ScopedUnsubscribeOutcome): string => {
  if (scope.kind === 'all' || outcome === 'unsubscribed') return renderUnsubscribed();
  if (scope.kind === 'topics') {
    return renderPage({
      title: 'Afgemeld',
      main: html`<h1>Je bent afgemeld</h1>
<p class="lead">Je ontvangt geen berichten meer over ${subjectsOf(scope.topics)}.</p>
${outcome === 'left-topics' ? html`<p>Voor je andere onderwerpen blijf je aangemeld. Die pas je aan via de link naar je voorkeuren onderaan elke e-mail van de nieuwsbrief.</p>` : ''}`,
    });
  }
  return renderPage({
    title: 'Afgemeld',
    main: html`<h1>Je bent afgemeld</h1>
<p class="lead">${meetingMailingsOff}</p>
<p>${meetingMailStays}</p>
<p>Ben je aangemeld voor de nieuwsbrief? Dan zet je deze mailings weer aan via je voorkeuren.</p>`,
  });
};

export const renderUnsubscribed = (): string =>
  renderPage({
    title: 'Afgemeld',
    main: html`<h1>Je bent afgemeld</h1>
<p class="lead">Je ontvangt geen e-mail meer van Drop In.</p>
<p>Toch weer aanmelden? Dat kan altijd via <a href="${paths.newsletter}">de aanmeldpagina</a>.</p>`,
  });
