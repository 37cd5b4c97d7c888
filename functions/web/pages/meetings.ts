import type { FieldIssue } from '../../core/errors';
import { placesForNewcomers } from '../../core/meetings/capacity';
import {
  isPublic,
  type Meeting,
  type ParticipantRole,
  participantRoles,
  registrationWindow,
} from '../../core/meetings/model';
import { meetingPath, paths } from '../../paths';
import { errorSummary, honeypotField, issueFor, radioGroup, textArea, textField } from '../forms';
import { type Html, html } from '../html';
import { renderPage } from '../page';
import { formatDate, formatDateTime, formatMeetingWhen, formatShortDate } from '../time';

export const roleLabels: Record<ParticipantRole, string> = {
  jongerenwerker: 'Jongerenwerker',
  manager: 'Manager',
  beleidsmedewerker: 'Beleidsmedewerker',
  anders: 'Anders',
};
const roleOptions = participantRoles.map((role) => ({ value: role, label: roleLabels[role] }));

/** What the person typed, shown again when the form has an error. Field names are the form's names. */
export interface MeetingFormValues {
  readonly name: string;
  readonly email: string;
  readonly organisation: string;
  readonly role: string;
  readonly municipality: string;
  readonly dietary: string;
  readonly accessibility: string;
}

export const emptyMeetingForm: MeetingFormValues = {
  name: '',
  email: '',
  organisation: '',
  role: '',
  municipality: '',
  dietary: '',
  accessibility: '',
};

/** Labels of the form's fields, also used in the error summary. */
export const meetingFormLabels: Record<keyof MeetingFormValues, string> = {
  name: 'Naam',
  email: 'E-mailadres',
  organisation: 'Organisatie',
  role: 'Je rol',
  municipality: 'Gemeente',
  dietary: 'Dieetwensen',
  accessibility: 'Toegankelijkheid',
};

/** Where a meeting stands for someone who wants to come, as the list and the page show it. */
type Availability =
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'over' }
  | { readonly kind: 'started' }
  | { readonly kind: 'not-open-yet'; readonly opensAt: string }
  | { readonly kind: 'closed'; readonly closedAt: string }
  | { readonly kind: 'full' }
  | { readonly kind: 'waiting-list' }
  | { readonly kind: 'open'; readonly placesLeft: number };

const availabilityOf = (meeting: Meeting, now: Date): Availability => {
  if (meeting.status === 'cancelled') return { kind: 'cancelled' };
  if (now.getTime() >= Date.parse(meeting.endsAt)) return { kind: 'over' };
  const window = registrationWindow(meeting, now);
  if (window === 'not-open-yet') return { kind: 'not-open-yet', opensAt: meeting.registrationOpensAt };
  if (window === 'closed') {
    return now.getTime() >= Date.parse(meeting.startsAt)
      ? { kind: 'started' }
      : { kind: 'closed', closedAt: meeting.registrationClosesAt };
  }
  const placesLeft = placesForNewcomers(meeting);
  if (placesLeft > 0) return { kind: 'open', placesLeft };
  return meeting.waitingListEnabled ? { kind: 'waiting-list' } : { kind: 'full' };
};

const placesText = (placesLeft: number): string =>
  placesLeft === 1 ? 'Nog 1 plaats vrij' : `Nog ${placesLeft} plaatsen vrij`;

/** One short line per meeting in the list. */
const statusLine = (availability: Availability): string => {
  switch (availability.kind) {
    case 'cancelled':
      return 'Geannuleerd';
    case 'over':
      return 'Afgelopen';
    case 'started':
    case 'closed':
      return 'Aanmelden is gesloten';
    case 'not-open-yet':
      return `Aanmelden kan vanaf ${formatShortDate(availability.opensAt)}`;
    case 'full':
      return 'Vol';
    case 'waiting-list':
      return 'Vol — wachtlijst';
    case 'open':
      return placesText(availability.placesLeft);
  }
};

const newsletterHint = html`<p>Wil je horen wanneer er een nieuwe bijeenkomst is? <a href="${paths.newsletter}">Meld je aan voor de nieuwsbrief</a> en kies het onderwerp bijeenkomsten.</p>`;

/**
 * How to subscribe to the calendar feed. The address is absolute, to copy into a calendar; a plain https
 * address works in Outlook, Google Calendar and Apple Calendar alike, so there is no webcal:// link.
 */
const calendarFeedHint = (siteUrl: string): Html => {
  const feedUrl = `${siteUrl}${paths.calendarFeed}`;
  return html`<h2 id="agenda">Zet de bijeenkomsten in je agenda</h2>
<p>Abonneer je in je agenda op de bijeenkomsten van Drop In. Nieuwe bijeenkomsten, wijzigingen en annuleringen komen er dan vanzelf in te staan. Voeg in Outlook, Google Agenda of Apple Agenda een agenda toe via internet (of via URL) met dit adres:</p>
<p class="feed-url"><a href="${paths.calendarFeed}">${feedUrl}</a></p>
<p>Een webcal-link heb je niet nodig: het gewone adres werkt. Het abonnement is geen aanmelding; aanmelden doe je op de pagina van een bijeenkomst.</p>`;
};

/** /bijeenkomsten: the upcoming public meetings, earliest first; cancelled ones stay visible, marked. */
export const renderMeetingList = (meetings: readonly Meeting[], now: Date, siteUrl: string): string => {
  const upcoming = meetings
    .filter((meeting) => isPublic(meeting) && Date.parse(meeting.endsAt) > now.getTime())
    .toSorted((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  return renderPage({
    title: 'Bijeenkomsten',
    main: html`<h1>Bijeenkomsten</h1>
<p class="lead">Het landelijk kennisnetwerk van Drop In reist door het land. Jongerenwerkers, hun managers en beleidsmedewerkers van gemeenten wisselen er kennis en ervaring uit over jongerenwerk en criminaliteitspreventie.</p>
${
  upcoming.length === 0
    ? html`<p>Er staan op dit moment geen bijeenkomsten gepland.</p>${newsletterHint}${calendarFeedHint(siteUrl)}`
    : html`<ul class="meetings">${upcoming.map((meeting) => {
        const availability = availabilityOf(meeting, now);
        return html`<li>
<h2><a href="${meetingPath(meeting)}">${meeting.title}</a></h2>
<p>${formatDate(meeting.startsAt)} · ${meeting.city}</p>
<p class="${availability.kind === 'cancelled' ? 'cancelled' : 'status'}">${statusLine(availability)}</p>
</li>`;
      })}</ul>
${calendarFeedHint(siteUrl)}
${newsletterHint}`
}
<p><a href="${paths.pastMeetings}">Eerdere bijeenkomsten</a>, met hun verslagen.</p>`,
  });
};

/** Plain text from the organiser: paragraphs at blank lines, line breaks kept, everything escaped. */
const paragraphs = (text: string): Html[] =>
  text
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map(
      (paragraph) =>
        html`<p>${paragraph.split(/\r?\n/).map((line, i) => (i === 0 ? line : html`<br>${line}`))}</p>`,
    );

const placesFact = (meeting: Meeting, availability: Availability): string => {
  switch (availability.kind) {
    case 'open':
      return `${placesText(availability.placesLeft)} (van de ${meeting.capacity})`;
    case 'waiting-list':
      return 'Vol. Je kunt je aanmelden voor de wachtlijst.';
    case 'full':
      return 'Vol';
    default:
      return `${meeting.capacity} plaatsen`;
  }
};

/** Why there is no form, in one clear sentence. */
const noFormReason = (availability: Availability): Html | undefined => {
  switch (availability.kind) {
    case 'cancelled':
      return html`<p>Deze bijeenkomst gaat niet door: de organisatoren hebben haar geannuleerd. Aanmelden kan niet meer.</p>${newsletterHint}`;
    case 'over':
      return html`<p>Deze bijeenkomst is voorbij. Aanmelden kan niet meer.</p><p><a href="${paths.meetings}">Bekijk de komende bijeenkomsten</a></p>`;
    case 'started':
      return html`<p>Deze bijeenkomst is al begonnen. Aanmelden kan niet meer.</p>`;
    case 'closed':
      return html`<p>De aanmelding is gesloten sinds ${formatDateTime(availability.closedAt)}.</p>`;
    case 'not-open-yet':
      return html`<p>Aanmelden kan vanaf ${formatDateTime(availability.opensAt)}.</p>${newsletterHint}`;
    case 'full':
      return html`<p>Deze bijeenkomst is vol en heeft geen wachtlijst. Aanmelden kan niet meer.</p>${newsletterHint}`;
    default:
      return undefined;
  }
};

const needsFieldset = (
  values: MeetingFormValues,
  issues: readonly FieldIssue[],
): Html => html`<fieldset class="field needs" aria-describedby="needs-why">
<legend>Dieetwensen of toegankelijkheid</legend>
<p class="hint" id="needs-why">We vragen dit zodat we rekening met je kunnen houden, bij het eten en drinken en bij de zaal, de route en de pauzes. Invullen is niet verplicht. Wat je hier schrijft kan iets zeggen over je gezondheid of geloof; daarom gaan we er extra zorgvuldig mee om: alleen de organisatoren van deze bijeenkomst zien het, en we verwijderen het 30 dagen na de bijeenkomst.</p>
${textArea({ name: 'dietary', label: meetingFormLabels.dietary, value: values.dietary, maxLength: 500, hint: 'Bijvoorbeeld vegetarisch, halal of een allergie.', issue: issueFor(issues, 'dietary') })}
${textArea({ name: 'accessibility', label: meetingFormLabels.accessibility, value: values.accessibility, maxLength: 500, hint: 'Bijvoorbeeld een rolstoelplek, een ringleiding of een rustige plek om even bij te komen.', issue: issueFor(issues, 'accessibility') })}
</fieldset>`;

const registrationForm = (
  meeting: Meeting,
  waitingList: boolean,
  values: MeetingFormValues,
  issues: readonly FieldIssue[],
  invitation: string | undefined,
): Html => {
  const { questions } = meeting;
  return html`${
    waitingList
      ? html`<p>Deze bijeenkomst is vol. Meld je aan voor de wachtlijst: komt er een plaats vrij, dan gaat die naar wie het langst op de wachtlijst staat, en dan mailen we je.</p>`
      : ''
  }
${errorSummary(issues, { ...meetingFormLabels, form: 'Aanmelden' })}
<form method="post" action="${meetingPath(meeting)}" novalidate>
${textField({ name: 'name', label: meetingFormLabels.name, value: values.name, autocomplete: 'name', required: true, maxLength: 100, issue: issueFor(issues, 'name') })}
${textField({ name: 'email', label: meetingFormLabels.email, type: 'email', value: values.email, autocomplete: 'email', required: true, maxLength: 254, hint: invitation ? 'Vul het adres in waarop je onze uitnodiging kreeg: dan ben je meteen aangemeld. Een ander adres krijgt eerst een e-mail om de aanmelding te bevestigen.' : 'Hierheen sturen we een e-mail waarmee je je aanmelding bevestigt.', issue: issueFor(issues, 'email') })}
${invitation ? html`<input type="hidden" name="uitnodiging" value="${invitation}">` : ''}
${questions.organisation ? textField({ name: 'organisation', label: meetingFormLabels.organisation, value: values.organisation, autocomplete: 'organization', required: true, maxLength: 100, hint: 'De organisatie of gemeente waar je werkt.', issue: issueFor(issues, 'organisation') }) : ''}
${questions.role ? radioGroup({ name: 'role', legend: 'Wat is je rol?', options: roleOptions, checked: values.role, required: true, issue: issueFor(issues, 'role') }) : ''}
${questions.municipality ? textField({ name: 'municipality', label: meetingFormLabels.municipality, value: values.municipality, required: true, maxLength: 100, hint: 'De gemeente waarin je werkt.', issue: issueFor(issues, 'municipality') }) : ''}
${questions.needs ? needsFieldset(values, issues) : ''}
${honeypotField('website')}
<p>We gebruiken je gegevens alleen om deze bijeenkomst te organiseren en je erover te mailen. Je komt er niet door op een mailinglijst. Afmelden kan altijd, met de link in je bevestiging.</p>
<button type="submit">${waitingList ? 'Op de wachtlijst' : 'Aanmelden'}</button>
</form>`;
};

export interface MeetingPageState {
  readonly values?: MeetingFormValues;
  readonly issues?: readonly FieldIssue[];
  readonly now: Date;
  /** A personal invitation link's token (from one of our mails), carried by the form. */
  readonly invitation?: string;
}

/** /bijeenkomsten/{id}: the meeting, and its registration form while registering is possible. */
export const renderMeetingPage = (
  meeting: Meeting,
  { values = emptyMeetingForm, issues = [], now, invitation }: MeetingPageState,
): string => {
  const availability = availabilityOf(meeting, now);
  const reason = noFormReason(availability);
  const cancelled = meeting.status === 'cancelled';
  return renderPage({
    title: `${issues.length ? 'Fout: ' : ''}${cancelled ? 'Geannuleerd: ' : ''}${meeting.title}`,
    main: html`<h1>${meeting.title}</h1>
${cancelled ? html`<p class="card cancelled">Geannuleerd: deze bijeenkomst gaat niet door.</p>` : ''}
<dl class="facts">
<dt>Wanneer</dt><dd>${formatMeetingWhen(meeting.startsAt, meeting.endsAt)}</dd>
<dt>Waar</dt><dd>${meeting.city}<br>${meeting.venueAddress}</dd>
${cancelled ? '' : html`<dt>Plaatsen</dt><dd>${placesFact(meeting, availability)}</dd>`}
</dl>
${paragraphs(meeting.description)}
<h2 id="aanmelden">${availability.kind === 'waiting-list' ? 'Aanmelden voor de wachtlijst' : 'Aanmelden'}</h2>
${reason ?? registrationForm(meeting, availability.kind === 'waiting-list', values, issues, invitation)}
<p><a href="${paths.meetings}">Alle bijeenkomsten</a></p>`,
  });
};

export interface RegisteredView {
  readonly meeting: Meeting;
  readonly status: 'confirmed' | 'waiting';
  /** The current rank on the waiting list (waiting only). */
  readonly position?: number;
}

/** After the form: the same page for a first registration and a repeated one (it says nothing new). */
export const renderRegistered = ({ meeting, status, position }: RegisteredView): string => {
  const when = formatMeetingWhen(meeting.startsAt, meeting.endsAt);
  return status === 'confirmed'
    ? renderPage({
        title: 'Je bent aangemeld',
        main: html`<h1>Je bent aangemeld</h1>
<p class="lead">Je hebt een plaats bij ${meeting.title}, ${when}, in ${meeting.city}.</p>
<p>We sturen je een bevestiging per e-mail, met een link om je af te melden als je toch niet kunt komen. Geen e-mail gekregen? Kijk dan in je map met ongewenste e-mail.</p>
<p><a href="${paths.meetings}">Alle bijeenkomsten</a></p>`,
      })
    : renderPage({
        title: 'Je staat op de wachtlijst',
        main: html`<h1>Je staat op de wachtlijst</h1>
<p class="lead">${meeting.title} (${when}, ${meeting.city}) is vol. ${
          position !== undefined
            ? `Je staat op plaats ${position} van de wachtlijst.`
            : 'Je staat op de wachtlijst.'
        }</p>
<p>Komt er een plaats vrij, dan gaat die naar wie het langst op de wachtlijst staat. Ben jij aan de beurt, dan ben je meteen aangemeld en mailen we je.</p>
<p>We sturen je nu een e-mail met een link om je van de wachtlijst af te halen, als je toch niet kunt komen. Geen e-mail gekregen? Kijk dan in je map met ongewenste e-mail.</p>
<p><a href="${paths.meetings}">Alle bijeenkomsten</a></p>`,
      });
};

/** The one answer to a registration request, whoever the address is: the rest follows by mail. */
export const renderRegistrationRequested = (meeting: Meeting): string =>
  renderPage({
    title: 'Check je mail',
    main: html`<h1>Check je mail</h1>
<p class="lead">We hebben een e-mail gestuurd over je aanmelding voor ${meeting.title} (${formatMeetingWhen(meeting.startsAt, meeting.endsAt)}, ${meeting.city}).</p>
<p>Bevestig je aanmelding met de knop in die e-mail; pas dan ben je aangemeld, of kom je op de wachtlijst als de bijeenkomst vol is. De link werkt 24 uur.</p>
<p>Geen e-mail gekregen? Kijk dan in je map met ongewenste e-mail, of vul het formulier over een paar minuten opnieuw in.</p>
<p><a href="${meetingPath(meeting)}">Terug naar de bijeenkomst</a></p>`,
  });

/**
 * Opened from the confirm link in the mail. Only the button registers, so a link scanner that opens the link
 * takes no seat; the form posts to this same URL, token included.
 */
export const renderRegistrationConfirmPage = (meeting: Meeting, name: string): string =>
  renderPage({
    title: `Aanmelding bevestigen: ${meeting.title}`,
    main: html`<h1>Bevestig je aanmelding</h1>
<p class="lead">${meeting.title}, ${formatMeetingWhen(meeting.startsAt, meeting.endsAt)}, ${meeting.venueAddress}, ${meeting.city}.</p>
<p>Je meldt je aan als ${name}. Is er een plaats vrij, dan heb je die meteen; is de bijeenkomst vol, dan kom je op de wachtlijst. Deze pagina zegt daarna welke van de twee.</p>
<form method="post"><button type="submit">Bevestig mijn aanmelding</button></form>`,
  });

/** Registered (or waiting) already: nothing changed; the cancel link is the one from the earlier mail. */
export const renderAlreadyRegistered = (
  meeting: Meeting,
  status: 'confirmed' | 'waiting',
  cancelUrl?: string,
  position?: number,
): string =>
  renderPage({
    title: 'Je bent al aangemeld',
    main: html`<h1>${status === 'confirmed' ? 'Je bent al aangemeld' : 'Je staat al op de wachtlijst'}</h1>
<p class="lead">${meeting.title}, ${formatMeetingWhen(meeting.startsAt, meeting.endsAt)}, ${meeting.city}. ${
      status === 'waiting' && position !== undefined
        ? `Je staat op plaats ${position} van de wachtlijst.`
        : ''
    }</p>
<p>Er is niets veranderd. Kun je toch niet komen? ${
      cancelUrl
        ? html`<a href="${cancelUrl}">Meld je af</a>.`
        : 'Meld je af met de link in de bevestiging die we je mailden.'
    }</p>
<p><a href="${paths.meetings}">Alle bijeenkomsten</a></p>`,
  });

/**
 * Opened from the cancel link in a mail. Only the button cancels, so a link scanner that opens the link
 * cancels nobody. The form has no action: it posts to this same URL, token included, and the page itself
 * never contains the token.
 */
export const renderCancelRegistrationPage = (meeting: Meeting): string =>
  renderPage({
    title: `Afmelden voor ${meeting.title}`,
    main: html`<h1>Afmelden voor ${meeting.title}</h1>
<p class="lead">${formatMeetingWhen(meeting.startsAt, meeting.endsAt)}, ${meeting.city}.</p>
<p>Kun je toch niet komen? Meld je dan af. Je plaats gaat naar de eerste op de wachtlijst. Sta je zelf op de wachtlijst, dan haal je jezelf ervan af.</p>
<form method="post"><button type="submit">Afmelden</button></form>
<p>Kom je wel? Dan hoef je niets te doen.</p>`,
  });

export const renderRegistrationCancelled = (meeting: Meeting): string =>
  renderPage({
    title: 'Je bent afgemeld',
    main: html`<h1>Je bent afgemeld</h1>
<p class="lead">Je aanmelding voor ${meeting.title} op ${formatDate(meeting.startsAt)} is geannuleerd. Je hoeft verder niets te doen.</p>
<p>Toch weer aanmelden? Dat kan op <a href="${meetingPath(meeting)}">de pagina van de bijeenkomst</a>, zolang de aanmelding open is.</p>`,
  });
