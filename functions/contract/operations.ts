import * as z from 'zod/mini';
import { statusLabels } from '../core/mailings/mailing';
import { reportActions } from '../core/reports/report';
import { auditQuery, suppressionQuery } from '../handlers/inputs/admin';
import {
  announceMeetingRequest,
  createMailingRequest,
  type MailingAction,
  mailingActions,
  mailingListQuery,
  mailingTestSendRequest,
  scheduleMailingRequest,
  updateMailingRequest,
} from '../handlers/inputs/mailings';
import {
  cancelMeetingRequest,
  createMeetingRequest,
  meetingListQuery,
  updateMeetingRequest,
} from '../handlers/inputs/meetings';
import { organiserRegistration, registrationRequest } from '../handlers/inputs/registrations';
import {
  attachDocumentRequest,
  createReportRequest,
  publicReportQuery,
  reportListQuery,
  reportRequestForm,
  scheduleReportRequest,
  updateReportRequest,
} from '../handlers/inputs/reports';
import {
  freshLinkForm,
  preferencesForm,
  subscribeForm,
  subscribeRequest,
  subscriberImportRequest,
  subscriberListQuery,
} from '../handlers/inputs/subscriptions';
import { testMailRequest } from '../handlers/inputs/test-mail';
import { paths } from '../paths';
import type { ProblemCode } from './problems';
import {
  createdMailing,
  mailing,
  mailingAudience,
  mailingExamples,
  mailingList,
  mailingPreview,
  testMailSent,
} from './schemas/mailings';
import {
  meetingExamples,
  organiserMeeting,
  organiserMeetingList,
  organiserRegistrationOutcome,
  publicMeeting,
  publicMeetingList,
  registrationRequested,
} from './schemas/meetings';
import {
  auditPage,
  organiserExamples,
  organiserIdentity,
  registrationsExport,
  subscriberCounts,
  subscriberImportProgress,
  subscriberImportReport,
  subscriberPage,
  subscriptionAccepted,
  suppressionLifted,
  suppressionPage,
} from './schemas/organisers';
import {
  documentUploadForm,
  organiserReport,
  organiserReportList,
  publicReportList,
  reportExamples,
  reportPreview,
  reportRequestGranted,
  reportRequests,
} from './schemas/reports';

/**
 * What each route of the route table (functions/routes.ts) takes and answers, in Dutch for the docs page:
 * the contract's one table. The request schemas are the handlers' own validators; the answers' schemas are
 * functions/contract/schemas. lib/contract/openapi-document.ts makes the OpenAPI document of it, adding what
 * every route of a kind answers (a 403 for the wrong role, a 404 for an unknown id, …).
 */

/** How the docs page groups the routes: by what an organiser or a site wants to do. */
export const capabilities = {
  Nieuwsbrief: 'Aanmelden voor de nieuwsbrief, bevestigen, voorkeuren en afmelden.',
  Bijeenkomsten: 'Bijeenkomsten van het kennisnetwerk: de agenda, aanmelden, afmelden.',
  Publicaties: 'Het archief van publicaties, de feed, rapporten op aanvraag.',
  'Bijeenkomsten beheren': 'Bijeenkomsten maken, wijzigen, publiceren, afgelasten en de aanmeldingen.',
  Mailings: 'Nieuwsbrieven en aankondigingen schrijven, testen, laten goedkeuren en versturen.',
  'Publicaties beheren':
    'Publicaties schrijven, de PDF uploaden, (ingepland) publiceren, aanvragen goedkeuren.',
  Abonnees: 'Wie is aangemeld, voor welke onderwerpen.',
  Beheer: 'Alleen voor de rol `admins`: de audit trail en de blokkeerlijst.',
  'Over de API': 'Dit document en deze pagina.',
} as const;
export type Capability = keyof typeof capabilities;

/** A JSON body and a realistic example of it (the contract test checks the example against the schema). */
export interface JsonBody {
  readonly schema: z.ZodMiniType;
  readonly example: unknown;
}

/** A kind of document a route answers instead of JSON. */
export type DocumentKind = 'html' | 'csv' | 'calendar' | 'atom';

export type AnswerHeader = 'etag' | 'location' | 'x-public-page' | 'redirect';

export interface Answer {
  readonly description: string;
  /** JSON of a schema, a kind of document, or nothing (a redirect, a 204). */
  readonly body?: JsonBody | DocumentKind;
  readonly headers?: readonly AnswerHeader[];
}

export interface Operation {
  readonly summary: string;
  readonly description?: string;
  readonly capability: Capability;
  readonly query?: z.ZodMiniType;
  /** The route reads a signed link token from `?token=`: what the link is for. */
  readonly token?: string;
  readonly body?: {
    readonly kind: 'json' | 'form';
    readonly schema: z.ZodMiniType;
    readonly example?: unknown;
    /** No body at all is accepted too (the same as `{}`). */
    readonly optional?: true;
    /** A form's example, as the browser sends it (urlencoded). */
    readonly formExample?: string;
    /** The handler reads the body but checks no field of it (a link's button): no `invalid-input`. */
    readonly unchecked?: true;
    readonly description?: string;
  };
  readonly ifMatch?: 'required' | 'optional';
  /** What a path parameter names, where it is not a plain id (`{id}`: "De id."). */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** What a request field means here, where field-meanings.ts's text for its name does not fit (by path). */
  readonly fieldMeanings?: Readonly<Record<string, string>>;
  readonly answers: Readonly<Record<number, Answer>>;
  /** The domain's problems this route may answer, besides those every route of its kind may. */
  readonly problems?: readonly ProblemCode[];
}

const json = (schema: z.ZodMiniType, example: unknown): JsonBody => ({ schema, example });

const page = (description: string): Answer => ({ description, body: 'html' });

const reportConsentForTheDocument = { version: '<versie van de toestemmingstekst>', text: '' };

const mailingActionSummaries: Record<MailingAction, { summary: string; description: string }> = {
  send: {
    summary: 'Mailing nu versturen',
    description:
      'Verstuurt een concept nu (een ingeplande mailing eerst `unschedule`). Boven de vierogendrempel moet de auteur een test hebben gehad en een tweede organisator de huidige versie hebben goedgekeurd (anders een 403 die zegt wat ontbreekt).',
  },
  schedule: {
    summary: 'Mailing inplannen',
    description:
      'Plant een concept in op `at` (RFC 3339 met tijdzone); een andere tijd: eerst `unschedule`. Het vierogenprincipe geldt zoals bij `send`.',
  },
  unschedule: {
    summary: 'Planning van een mailing intrekken',
    description: 'De mailing wordt weer een concept.',
  },
  pause: {
    summary: 'Versturen pauzeren',
    description: 'Wie nog niet aan de beurt was, krijgt voorlopig niets.',
  },
  resume: {
    summary: 'Versturen hervatten',
    description: 'Gaat verder waar het pauzeerde; niemand krijgt iets twee keer.',
  },
  cancel: {
    summary: 'Mailing annuleren',
    description:
      'Een concept, een ingeplande, een gepauzeerde of een op quotum wachtende mailing; wie nog niet aan de beurt was, krijgt niets meer. Tijdens het versturen: eerst `pause`.',
  },
  'retry-failed': {
    summary: 'Mislukte ontvangers opnieuw proberen',
    description:
      'Na het versturen: wie een tijdelijke fout kreeg, krijgt een nieuwe poging (niet wie al iets kreeg).',
  },
};

const reportActionSummaries: Record<
  (typeof reportActions)[number],
  { summary: string; description: string }
> = {
  publish: {
    summary: 'Publicatie nu publiceren',
    description:
      'Zet een concept of ingeplande publicatie online; een aankondiging die erop wacht, gaat dan uit (met vier ogen als ze groot is).',
  },
  schedule: {
    summary: 'Publicatie inplannen',
    description: 'Publiceert op `at` (RFC 3339 met tijdzone); tot dan is ze `scheduled` en niet openbaar.',
  },
  unpublish: {
    summary: 'Publicatie offline halen',
    description: 'De pagina en de PDF zijn niet meer openbaar; het adres blijft gereserveerd.',
  },
};

/** Each answer with the record as that route leaves it: the example's changes on top of the standard one. */
const organiserMeetingAnswer = (description: string, changes: object = {}): Answer => ({
  description,
  body: json(organiserMeeting, { ...meetingExamples.organiserMeeting, ...changes }),
  headers: ['etag'],
});
const mailingAnswer = (description: string, changes: object = {}): Answer => ({
  description,
  body: json(mailing, { ...mailingExamples.mailing, ...changes }),
  headers: ['etag'],
});
const reportAnswer = (description: string, changes: object = {}): Answer => ({
  description,
  body: json(organiserReport, { ...reportExamples.organiserReport, ...changes }),
  headers: ['etag'],
});

/** A mailing after each action: its status, and what that status shows. */
const mailingAfter: Record<MailingAction, object> = {
  // Sending has not started yet when these answer: no counts, no progress.
  send: { status: 'sending', statusLabel: statusLabels.sending, counts: undefined, sending: undefined },
  schedule: {
    status: 'scheduled',
    statusLabel: statusLabels.scheduled,
    scheduledAt: '2027-01-12T08:00:00.000Z',
    counts: undefined,
    sending: undefined,
  },
  unschedule: { status: 'draft', statusLabel: statusLabels.draft, counts: undefined, sending: undefined },
  pause: { status: 'paused', statusLabel: statusLabels.paused, pausedBy: 'organiser' },
  resume: { status: 'sending', statusLabel: statusLabels.sending },
  cancel: { status: 'cancelled', statusLabel: statusLabels.cancelled },
  'retry-failed': { status: 'sending', statusLabel: statusLabels.sending },
};

/** A report after each action. */
const reportAfter: Record<(typeof reportActions)[number], object> = {
  publish: { status: 'published' },
  schedule: { status: 'scheduled', scheduledAt: '2027-01-12T08:00:00.000Z' },
  unpublish: { status: 'draft' },
};

const scheduleExample = { at: '2027-01-12T09:00:00+01:00' };

/** The body of a POST behind a link: nothing (the token is in the query), as the page's button posts it. */
const emptyForm = {
  kind: 'form',
  schema: z.object({}),
  optional: true,
  unchecked: true,
  description: 'Niets: het token staat in de query; de knop op de pagina post een leeg formulier.',
} as const;

/**
 * The preferences form as the page posts it: the handler's own fields (checked when saving), the box that
 * turns mailings to meetings back on, or `action=unsubscribe` alone from the second button.
 */
const preferencesAsPosted = z.extend(z.partial(preferencesForm), {
  meetingMailings: z.optional(z.literal('on')),
  action: z.optional(z.literal('unsubscribe')),
});

/** Every route's operation, by route key (`POST /api/organiser/meetings`). */
export const operations: Readonly<Record<string, Operation>> = {
  // --- Pages: the site -------------------------------------------------------------------------------------
  [`GET ${paths.home}`]: {
    summary: 'Voorpagina',
    description: 'De komende bijeenkomsten, de laatste publicaties en aanmelden voor de nieuwsbrief.',
    capability: 'Nieuwsbrief',
    answers: { 200: page('De voorpagina.') },
  },
  [`GET ${paths.newsletter}`]: {
    summary: 'Aanmeldformulier nieuwsbrief',
    capability: 'Nieuwsbrief',
    answers: { 200: page('Het formulier: adres, naam, onderwerpen en toestemming.') },
  },
  [`POST ${paths.newsletter}`]: {
    summary: 'Aanmelden voor de nieuwsbrief (formulier)',
    description:
      'Stuurt een bevestigingsmail (double opt-in); het antwoord is voor elk adres hetzelfde, zodat niemand leert of een adres al is aangemeld.',
    capability: 'Nieuwsbrief',
    body: {
      kind: 'form',
      schema: subscribeForm,
      formExample:
        'email=j.devries%40voorbeeld.nl&name=Jamila+de+Vries&topics=nieuwsbrief&topics=bijeenkomsten&consent=true&consentVersion=<versie>',
    },
    answers: {
      200: page('“Check je mail”.'),
      400: page('Het formulier opnieuw, met per veld wat er mis is.'),
    },
  },
  [`GET ${paths.confirmSubscription}`]: {
    summary: 'Bevestigingspagina aanmelding',
    description:
      'De link uit de bevestigingsmail opent deze pagina; haar knop bevestigt (een linkscanner bevestigt dus niets).',
    capability: 'Nieuwsbrief',
    token: 'de bevestigingslink uit de mail',
    answers: { 200: page('De pagina met de bevestigknop.') },
  },
  [`POST ${paths.confirmSubscription}`]: {
    summary: 'Aanmelding bevestigen',
    capability: 'Nieuwsbrief',
    token: 'de bevestigingslink uit de mail',
    body: emptyForm,
    answers: { 200: page('Bevestigd (ook als dat al eerder was).') },
  },
  [`GET ${paths.preferences}`]: {
    summary: 'Voorkeuren',
    capability: 'Nieuwsbrief',
    token: 'de voorkeurenlink uit elke nieuwsbrief',
    answers: { 200: page('Naam en onderwerpen, te wijzigen; afmelden.') },
  },
  [`POST ${paths.preferences}`]: {
    summary: 'Voorkeuren opslaan',
    capability: 'Nieuwsbrief',
    token: 'de voorkeurenlink uit elke nieuwsbrief',
    body: {
      kind: 'form',
      schema: preferencesAsPosted,
      description:
        'Opslaan: `name` en de aangevinkte `topics` (de naam herhaald per onderwerp; minstens één), met `meetingMailings=on` om mailings aan bijeenkomsten weer aan te zetten. De afmeldknop post alleen `action=unsubscribe`.',
      formExample: 'name=Jamila+de+Vries&topics=nieuwsbrief&topics=publicaties',
    },
    answers: {
      200: page('Opgeslagen (of afgemeld, met de afmeldknop).'),
      400: page('Het formulier opnieuw, met per veld wat er mis is.'),
    },
  },
  [`GET ${paths.unsubscribe}`]: {
    summary: 'Afmeldpagina',
    capability: 'Nieuwsbrief',
    token: 'de afmeldlink uit de mail',
    answers: { 200: page('Wat de link stopt, en de afmeldknop.') },
  },
  [`POST ${paths.unsubscribe}`]: {
    summary: 'Afmelden (ook one-click, RFC 8058)',
    description:
      'Ook als mailprogramma’s op de afmeldknop in hun eigen venster drukken (one-click, RFC 8058).',
    capability: 'Nieuwsbrief',
    token: 'de afmeldlink uit de mail',
    body: {
      kind: 'form',
      schema: z.object({ 'List-Unsubscribe': z.optional(z.literal('One-Click')) }),
      optional: true,
      unchecked: true,
      description:
        'Mailprogramma’s posten `List-Unsubscribe=One-Click` (RFC 8058); de knoppen op de pagina posten een leeg formulier.',
      formExample: 'List-Unsubscribe=One-Click',
    },
    answers: { 200: page('Afgemeld (ook als dat al was).') },
  },
  [`GET ${paths.freshLink}`]: {
    summary: 'Nieuwe link aanvragen',
    capability: 'Nieuwsbrief',
    answers: { 200: page('Het formulier: een nieuwe voorkeurenlink per mail.') },
  },
  [`POST ${paths.freshLink}`]: {
    summary: 'Nieuwe link per mail',
    description: 'Het antwoord is voor elk adres hetzelfde.',
    capability: 'Nieuwsbrief',
    body: { kind: 'form', schema: freshLinkForm, formExample: 'email=j.devries%40voorbeeld.nl' },
    answers: { 200: page('“Check je mail”.'), 400: page('Het formulier opnieuw, met wat er mis is.') },
  },
  'POST /api/subscriptions': {
    summary: 'Aanmelden voor de nieuwsbrief',
    description:
      'Voor een andere site of app: stuurt een bevestigingsmail (double opt-in). Het antwoord is voor elk geaccepteerd verzoek hetzelfde, zodat niemand leert of een adres al is aangemeld.',
    capability: 'Nieuwsbrief',
    body: {
      kind: 'json',
      schema: subscribeRequest,
      example: {
        email: 'j.devries@voorbeeld.nl',
        name: 'Jamila de Vries',
        topics: ['nieuwsbrief'],
        consent: true,
      },
    },
    answers: {
      202: {
        description: 'Geaccepteerd.',
        body: json(subscriptionAccepted, organiserExamples.subscriptionAccepted),
      },
    },
  },
  [`GET ${paths.meetings}`]: {
    summary: 'Agenda',
    capability: 'Bijeenkomsten',
    answers: { 200: page('De komende bijeenkomsten.') },
  },
  [`GET ${paths.calendarFeed}`]: {
    summary: 'Agenda als iCalendar-feed',
    description: 'Om te abonneren in een agenda-app.',
    capability: 'Bijeenkomsten',
    answers: { 200: { description: 'De komende bijeenkomsten (text/calendar).', body: 'calendar' } },
  },
  [`GET ${paths.pastMeetings}`]: {
    summary: 'Eerdere bijeenkomsten',
    capability: 'Bijeenkomsten',
    answers: { 200: page('De bijeenkomsten die voorbij zijn, met hun verslagen.') },
  },
  [`GET ${paths.meeting}`]: {
    summary: 'Pagina van een bijeenkomst',
    description:
      'Op een id of een oud adres volgt een 301 naar het huidige. Met `?uitnodiging=` (een persoonlijke uitnodiging) hoeft de aanmelding niet per mail bevestigd te worden.',
    capability: 'Bijeenkomsten',
    pathParameters: { id: 'Het eigen adres van de bijeenkomst (`slug`), of haar id.' },
    query: z.object({
      uitnodiging: z.optional(z.string().check(z.describe('Het token uit een persoonlijke uitnodiging.'))),
    }),
    answers: {
      200: page('De bijeenkomst en het aanmeldformulier.'),
      301: { description: 'Naar het huidige adres van de bijeenkomst.', headers: ['redirect'] },
    },
  },
  [`POST ${paths.meeting}`]: {
    summary: 'Aanmelden voor een bijeenkomst (formulier)',
    pathParameters: { id: 'Het eigen adres van de bijeenkomst (`slug`), of haar id.' },
    description:
      'Stuurt een bevestigingsmail; met een persoonlijke uitnodiging (`uitnodiging`) is de aanmelding meteen rond.',
    capability: 'Bijeenkomsten',
    body: {
      kind: 'form',
      schema: z.extend(registrationRequest, { uitnodiging: z.optional(z.string()) }),
      description:
        'Dezelfde velden als `POST /api/meetings/{id}/registrations`, en `uitnodiging` als de pagina met een persoonlijke uitnodiging werd geopend.',
      formExample:
        'name=Jamila+de+Vries&email=j.devries%40voorbeeld.nl&organisation=Jongerenwerk+Utrecht&role=jongerenwerker&municipality=Utrecht',
    },
    answers: {
      200: page('“Check je mail”, of (met een uitnodiging) de plaats of wachtlijstplek.'),
      400: page('Het formulier opnieuw, met per veld wat er mis is.'),
    },
    problems: ['registration-closed', 'meeting-full'],
  },
  [`GET ${paths.cancelRegistration}`]: {
    summary: 'Afmeldpagina aanmelding',
    capability: 'Bijeenkomsten',
    token: 'de afmeldlink uit de bevestiging',
    answers: { 200: page('De aanmelding en de afmeldknop.') },
  },
  [`POST ${paths.cancelRegistration}`]: {
    summary: 'Aanmelding afmelden',
    description: 'De plaats gaat naar de eerste op de wachtlijst.',
    capability: 'Bijeenkomsten',
    token: 'de afmeldlink uit de bevestiging',
    body: emptyForm,
    answers: { 200: page('Afgemeld (ook als dat al was).') },
    problems: ['meeting-over'],
  },
  [`GET ${paths.confirmRegistration}`]: {
    summary: 'Bevestigingspagina aanmelding bijeenkomst',
    capability: 'Bijeenkomsten',
    token: 'de bevestigingslink uit de mail',
    answers: { 200: page('De aanmelding en de bevestigknop (of de uitkomst, als ze al bevestigd is).') },
    problems: ['request-expired'],
  },
  [`POST ${paths.confirmRegistration}`]: {
    summary: 'Aanmelding bijeenkomst bevestigen',
    capability: 'Bijeenkomsten',
    token: 'de bevestigingslink uit de mail',
    body: emptyForm,
    answers: { 200: page('Een plaats of een plek op de wachtlijst.') },
    problems: ['registration-closed', 'meeting-full', 'request-expired'],
  },
  'GET /api/meetings': {
    summary: 'Komende bijeenkomsten',
    description: 'Gepubliceerd en nog niet voorbij, de eerstvolgende eerst.',
    capability: 'Bijeenkomsten',
    answers: {
      200: {
        description: 'De bijeenkomsten.',
        body: json(publicMeetingList, meetingExamples.publicMeetingList),
      },
    },
  },
  'GET /api/meetings/{id}': {
    summary: 'Eén bijeenkomst',
    capability: 'Bijeenkomsten',
    pathParameters: { id: 'De id van de bijeenkomst, of haar eigen adres (`slug`).' },
    answers: {
      200: { description: 'De bijeenkomst.', body: json(publicMeeting, meetingExamples.publicMeeting) },
    },
  },
  'POST /api/meetings/{id}/registrations': {
    summary: 'Aanmelden voor een bijeenkomst',
    description:
      'Stuurt een bevestigingsmail; de link daarin maakt de aanmelding rond. Het antwoord is voor elk adres hetzelfde en bevat nooit een token.',
    capability: 'Bijeenkomsten',
    body: {
      kind: 'json',
      schema: registrationRequest,
      example: {
        name: 'Jamila de Vries',
        email: 'j.devries@voorbeeld.nl',
        organisation: 'Jongerenwerk Utrecht',
        role: 'jongerenwerker',
        municipality: 'Utrecht',
      },
    },
    answers: {
      202: {
        description: 'Aangevraagd: bevestigen per mail.',
        body: json(registrationRequested, meetingExamples.registrationRequested),
      },
    },
    problems: ['registration-closed', 'meeting-full'],
  },
  // --- Organisers: meetings ----------------------------------------------------------------------------------
  'GET /api/organiser/meetings': {
    summary: 'Alle bijeenkomsten',
    description:
      'Elke status (concept, gepubliceerd, afgelast) tenzij `status` er één vraagt, op begintijd, per pagina.',
    capability: 'Bijeenkomsten beheren',
    query: meetingListQuery,
    answers: {
      200: {
        description: 'Een pagina bijeenkomsten.',
        body: json(organiserMeetingList, meetingExamples.organiserMeetingList),
      },
    },
  },
  'POST /api/organiser/meetings': {
    summary: 'Bijeenkomst maken',
    description:
      'Een concept. `slug` geeft de pagina een eigen adres (`/bijeenkomsten/<slug>`); aanmelden gaat open bij het maken en sluit bij het begin, tenzij anders opgegeven.',
    capability: 'Bijeenkomsten beheren',
    body: {
      kind: 'json',
      schema: createMeetingRequest,
      example: {
        slug: 'kennisnetwerk-utrecht-2027',
        title: 'Bijeenkomst landelijk kennisnetwerk – Utrecht',
        description: 'We bespreken de tussentijdse resultaten van de onderzoekswerkplaatsen.',
        city: 'Utrecht',
        venueAddress: 'Jaarbeursplein 6, 3521 AL Utrecht',
        startsAt: '2027-03-11T13:30:00+01:00',
        endsAt: '2027-03-11T17:00:00+01:00',
        capacity: 60,
      },
    },
    answers: {
      201: {
        description: 'Gemaakt; `Location` is het adres in de API, `X-Public-Page` dat van de pagina.',
        body: json(organiserMeeting, {
          ...meetingExamples.organiserMeeting,
          status: 'draft',
          confirmedCount: 0,
          version: 1,
          publishedAt: undefined,
        }),
        headers: ['etag', 'location', 'x-public-page'],
      },
    },
    problems: ['slug-taken'],
  },
  'GET /api/organiser/meetings/{id}': {
    summary: 'Eén bijeenkomst, met tellers',
    capability: 'Bijeenkomsten beheren',
    answers: { 200: organiserMeetingAnswer('De bijeenkomst.') },
  },
  'PATCH /api/organiser/meetings/{id}': {
    summary: 'Bijeenkomst wijzigen',
    description:
      'Alleen de velden die je meestuurt. Een nieuwe tijd of plaats gaat als bijgewerkte agenda-uitnodiging naar de deelnemers; `slug: null` haalt het eigen adres weg (het oude adres blijft doorverwijzen).',
    capability: 'Bijeenkomsten beheren',
    ifMatch: 'required',
    body: {
      kind: 'json',
      schema: updateMeetingRequest,
      example: { capacity: 80, venueAddress: 'Jaarbeursplein 6, 3521 AL Utrecht' },
    },
    answers: { 200: organiserMeetingAnswer('De gewijzigde bijeenkomst.') },
    problems: ['slug-taken', 'meeting-conflict'],
  },
  'POST /api/organiser/meetings/{id}/publish': {
    summary: 'Bijeenkomst publiceren',
    description: 'De pagina gaat online en aanmelden kan (binnen de aanmeldperiode).',
    capability: 'Bijeenkomsten beheren',
    ifMatch: 'optional',
    answers: {
      200: organiserMeetingAnswer('De gepubliceerde bijeenkomst.', { version: 2, status: 'published' }),
    },
    problems: ['meeting-conflict'],
  },
  'POST /api/organiser/meetings/{id}/cancel': {
    summary: 'Bijeenkomst afgelasten',
    description:
      'Iedereen die is aangemeld of wacht, krijgt een afmeldingsmail met de agenda-annulering, en met `message` als je die meegeeft. Nog eens afgelasten met hetzelfde bericht verandert niets.',
    capability: 'Bijeenkomsten beheren',
    ifMatch: 'optional',
    body: {
      kind: 'json',
      schema: cancelMeetingRequest,
      optional: true,
      example: { message: 'Door de storm gaat de bijeenkomst niet door. We plannen een nieuwe datum.' },
    },
    answers: {
      200: organiserMeetingAnswer('De afgelaste bijeenkomst.', {
        status: 'cancelled',
        cancelledAt: '2027-03-09T15:12:40.000Z',
        updatedAt: '2027-03-09T15:12:40.000Z',
        cancellationMessage: 'Door de storm gaat de bijeenkomst niet door. We plannen een nieuwe datum.',
        version: 4,
        sequence: 1,
      }),
    },
    problems: ['meeting-conflict'],
  },
  'POST /api/organiser/meetings/{id}/announce': {
    summary: 'Aankondiging maken',
    description:
      'Een conceptmailing aan de abonnees van `bijeenkomsten`, ingevuld vanuit de bijeenkomst; onderwerp en preheader zijn te vervangen. Versturen gaat als bij elke mailing.',
    capability: 'Bijeenkomsten beheren',
    body: {
      kind: 'json',
      schema: announceMeetingRequest,
      optional: true,
      example: { subject: 'Kom naar het kennisnetwerk in Utrecht' },
    },
    answers: {
      201: {
        description: 'De conceptmailing.',
        body: json(createdMailing, mailingExamples.createdMailing),
        headers: ['etag', 'location'],
      },
    },
    problems: ['meeting-not-announceable'],
  },
  'POST /api/organiser/meetings/{id}/registrations': {
    summary: 'Iemand aanmelden',
    description:
      'Zonder bevestigingsmail: de persoon krijgt meteen een plaats of een plek op de wachtlijst, en de bevestiging met agenda-uitnodiging. `overCapacity: true` (alleen `admins`) geeft een extra plaats boven de capaciteit.',
    capability: 'Bijeenkomsten beheren',
    body: {
      kind: 'json',
      schema: organiserRegistration,
      example: {
        name: 'Jamila de Vries',
        email: 'j.devries@voorbeeld.nl',
        organisation: 'Jongerenwerk Utrecht',
        role: 'jongerenwerker',
        municipality: 'Utrecht',
      },
    },
    answers: {
      200: {
        description: 'Was al aangemeld (`already: true`): niets veranderd.',
        body: json(organiserRegistrationOutcome, {
          ...meetingExamples.organiserRegistrationOutcome,
          already: true,
        }),
      },
      201: {
        description: 'Aangemeld.',
        body: json(organiserRegistrationOutcome, meetingExamples.organiserRegistrationOutcome),
      },
    },
    problems: ['registration-closed', 'meeting-full', 'not-permitted'],
  },
  'GET /api/organiser/meetings/{id}/registrations.csv': {
    summary: 'Deelnemerslijst (CSV)',
    description: 'Voor Excel: UTF-8 met BOM, `;` als scheidingsteken.',
    capability: 'Bijeenkomsten beheren',
    answers: { 200: { description: 'De aanmeldingen.', body: 'csv' } },
  },
  'GET /api/organiser/meetings/{id}/registrations.json': {
    summary: 'Deelnemerslijst (JSON)',
    capability: 'Bijeenkomsten beheren',
    answers: {
      200: {
        description: 'De bijeenkomst en haar aanmeldingen.',
        body: json(registrationsExport, organiserExamples.registrationsExport),
      },
    },
  },
  // --- Organisers: subscribers, identity, admin ------------------------------------------------------------
  'GET /api/organiser/subscribers': {
    summary: 'Abonnees',
    description: 'Per status en onderwerp, per pagina. Van wie zich afmeldde, zijn adres en naam verwijderd.',
    capability: 'Abonnees',
    query: subscriberListQuery,
    answers: {
      200: {
        description: 'Een pagina abonnees.',
        body: json(subscriberPage, organiserExamples.subscriberPage),
      },
    },
  },
  'GET /api/organiser/subscribers/counts': {
    summary: 'Aantallen abonnees',
    capability: 'Abonnees',
    answers: {
      200: {
        description: 'Per status en onderwerp.',
        body: json(subscriberCounts, organiserExamples.subscriberCounts),
      },
    },
  },
  'POST /api/organiser/subscribers/imports': {
    summary: 'Abonnees importeren',
    description:
      'Een lijst adressen (CSV met `;` of `,`, een kopregel met `e-mailadres` en eventueel `naam`, of alleen adressen) met de bron van de adressen (`source`), die de mail noemt. Niemand wordt stil aangemeld: nieuwe adressen wachten op bevestiging en krijgen één bevestigingsmailing, in het tempo van de verzender; alleen met bewijs van eerder gegeven toestemming (`confirmedEvidence`) worden ze meteen aangemeld, zonder mail. Ongeldige adressen, dubbele, geblokkeerde, al aangemelde, eerder afgemelde en eerder door een import gevraagde worden per regel gemeld en niet geïmporteerd. `dryRun` meldt hetzelfde zonder iets op te slaan. Hetzelfde bestand met dezelfde keuzes nog eens sturen is dezelfde import: het geeft het verslag, of maakt een afgebroken import af. Hoogstens 2000 regels.',
    capability: 'Abonnees',
    body: {
      kind: 'json',
      schema: subscriberImportRequest,
      example: {
        csv: 'e-mailadres;naam\r\nsanne.devries@drop-in.example;Sanne de Vries\r\ny.elamrani@drop-in.example;Youssef El Amrani\r\n',
        source: 'intekenlijst kennisnetwerk Bergen op Zoom, 28 november 2024',
        topics: ['nieuwsbrief', 'bijeenkomsten'],
        dryRun: false,
      },
    },
    fieldMeanings: {
      csv: 'Het bestand als tekst (UTF-8; `drop-in subscribers import` leest ook Windows-1252).',
      source: 'Waar de adressen vandaan komen, in één regel: de bevestigingsmail noemt het.',
      topics: 'De onderwerpen waarvoor de mensen worden aangemeld (standaard `nieuwsbrief`).',
      dryRun: 'Alleen het verslag: niets opslaan, niets versturen.',
      confirmedEvidence:
        'Alleen als deze mensen al toestemming gaven: hoe en wanneer. Dan worden ze meteen aangemeld, zonder mail; het bewijs wordt bij elke aanmelding bewaard.',
    },
    answers: {
      200: {
        description: 'Het verslag van de import (of van de proef).',
        body: json(subscriberImportReport, organiserExamples.subscriberImportReport),
      },
      202: {
        description:
          'Een ronde had haar tijd (20 seconden) op: zo ver is de import. Stuur hetzelfde verzoek opnieuw; hij gaat verder waar hij stopte (`drop-in subscribers import` doet dat vanzelf).',
        body: json(subscriberImportProgress, organiserExamples.subscriberImportProgress),
      },
    },
    problems: ['import-in-progress', 'import-interrupted'],
  },
  'GET /api/organiser/me': {
    summary: 'Wie ben ik?',
    description: 'Wie het token noemt, en de rollen die het geeft.',
    capability: 'Over de API',
    answers: {
      200: {
        description: 'De organisator.',
        body: json(organiserIdentity, organiserExamples.organiserIdentity),
      },
    },
  },
  'GET /api/organiser/audit': {
    summary: 'Audit trail',
    description:
      'Elke actie van een organisator, nieuwste eerst: wie, wat, wanneer, de versie ervoor en erna en een samenvatting. Filter op soort (`kind`) en op persoon (`email` of `personId`; een adres wordt alleen als sleutel gebruikt, nooit bewaard).',
    capability: 'Beheer',
    query: auditQuery,
    fieldMeanings: {
      kind: 'Alleen acties over dit soort ding: `meeting`, `registration`, `mailing`, `report`, `report-request`, `suppression` of `test-mail`.',
      email: 'Alleen acties over deze persoon; het adres wordt alleen als sleutel gebruikt, nooit bewaard.',
      personId: 'Alleen acties over deze persoon (de persoons-id).',
      cursor: 'De `nextCursor` van de vorige pagina: de oudere regels.',
    },
    answers: {
      200: {
        description: 'Een pagina van de audit trail.',
        body: json(auditPage, organiserExamples.auditPage),
      },
    },
  },
  'GET /api/organiser/suppressions': {
    summary: 'Blokkeerlijst',
    description:
      'Wie geen mail meer krijgt na een harde bounce of een klacht, nieuwste eerst; of één persoon (`email` of `personId`). Ook lezen komt in de audit trail.',
    capability: 'Beheer',
    query: suppressionQuery,
    answers: {
      200: {
        description: 'Een pagina van de blokkeerlijst.',
        body: json(suppressionPage, organiserExamples.suppressionPage),
      },
    },
  },
  'DELETE /api/organiser/suppressions/{id}': {
    summary: 'Blokkade opheffen',
    description: 'De persoon kan weer mail krijgen; de zachte bounces tellen opnieuw.',
    capability: 'Beheer',
    pathParameters: { id: 'De persoons-id (32 hexadecimale tekens), zoals de blokkeerlijst hem noemt.' },
    answers: {
      200: { description: 'Opgeheven.', body: json(suppressionLifted, organiserExamples.suppressionLifted) },
    },
  },
  // --- Organisers: mailings --------------------------------------------------------------------------------
  'GET /api/organiser/mailings': {
    summary: 'Mailings',
    description: 'Nieuwste eerst, per pagina.',
    capability: 'Mailings',
    query: mailingListQuery,
    answers: {
      200: { description: 'Een pagina mailings.', body: json(mailingList, mailingExamples.mailingList) },
    },
  },
  'POST /api/organiser/mailings': {
    summary: 'Mailing schrijven',
    description:
      'Een concept in Markdown, aan onderwerpen (`audience.topics`), aan de aanmeldingen van een bijeenkomst (`audience.meeting` met `audience.registrations`: `confirmed`, `waiting` of `all`) of aan allebei.',
    capability: 'Mailings',
    body: {
      kind: 'json',
      schema: createMailingRequest,
      example: {
        subject: 'Nieuwsbrief Drop In – december 2026',
        preheader: 'De tussentijdse resultaten en de volgende bijeenkomst',
        body: '## Tussentijdse resultaten\n\nDe onderzoekswerkplaatsen in drie regio’s …',
        audience: { topics: ['nieuwsbrief'] },
      },
    },
    answers: {
      201: {
        description: 'Het concept.',
        body: json(createdMailing, mailingExamples.createdMailing),
        headers: ['etag', 'location'],
      },
    },
  },
  'GET /api/organiser/mailings/{id}': {
    summary: 'Eén mailing',
    description: 'Inhoud, status, vier-ogen-stand en (tijdens en na het versturen) de voortgang.',
    capability: 'Mailings',
    answers: { 200: mailingAnswer('De mailing.') },
  },
  'PATCH /api/organiser/mailings/{id}': {
    summary: 'Mailing wijzigen',
    description:
      'Alleen een concept. Elke wijziging maakt een nieuwe versie: een goedkeuring en test van de vorige vervallen.',
    capability: 'Mailings',
    ifMatch: 'required',
    body: {
      kind: 'json',
      schema: updateMailingRequest,
      example: { subject: 'Nieuwsbrief Drop In – januari 2027' },
    },
    answers: { 200: mailingAnswer('De gewijzigde mailing.') },
    problems: ['mailing-conflict'],
  },
  'DELETE /api/organiser/mailings/{id}': {
    summary: 'Concept verwijderen',
    description: 'Alleen een concept; een mailing die verder is, annuleer je.',
    capability: 'Mailings',
    ifMatch: 'optional',
    answers: { 204: { description: 'Verwijderd.' } },
    problems: ['mailing-conflict'],
  },
  'GET /api/organiser/mailings/{id}/preview': {
    summary: 'Voorbeeld van een mailing',
    description:
      'Precies het onderwerp, de HTML en de platte tekst die een ontvanger krijgt, met een voorbeeldaanhef en -links.',
    capability: 'Mailings',
    answers: {
      200: {
        description: 'Het voorbeeld.',
        body: json(mailingPreview, mailingExamples.mailingPreview),
        headers: ['etag'],
      },
    },
  },
  'POST /api/organiser/mailings/{id}/test-send': {
    summary: 'Testmail versturen',
    description:
      'Naar jezelf (zonder body) of naar `to` (1 tot 5 adressen). Telt voor de vier ogen als hij naar de auteur ging.',
    capability: 'Mailings',
    body: {
      kind: 'json',
      schema: mailingTestSendRequest,
      optional: true,
      example: { to: ['redactie@drop-in.example'] },
    },
    answers: { 200: mailingAnswer('De mailing, met de test erbij.') },
    problems: ['recipient-suppressed', 'mailing-conflict', 'stale-version'],
  },
  'POST /api/organiser/mailings/{id}/approve': {
    summary: 'Mailing goedkeuren',
    description:
      'Door een tweede organisator (niet de auteur of wie hem het laatst wijzigde), voor de versie in `If-Match`.',
    capability: 'Mailings',
    ifMatch: 'required',
    answers: { 200: mailingAnswer('De goedgekeurde mailing.') },
    problems: ['not-permitted', 'mailing-conflict'],
  },
  ...Object.fromEntries(
    mailingActions.map((action) => [
      `POST /api/organiser/mailings/{id}/${action}`,
      {
        ...mailingActionSummaries[action],
        capability: 'Mailings',
        ...(action === 'schedule'
          ? { body: { kind: 'json', schema: scheduleMailingRequest, example: scheduleExample } }
          : {}),
        answers: { 200: mailingAnswer('De mailing, met haar nieuwe status.', mailingAfter[action]) },
        problems:
          action === 'send' || action === 'schedule'
            ? ['mailing-conflict', 'stale-version', 'not-permitted']
            : ['mailing-conflict', 'stale-version'],
      } satisfies Operation,
    ]),
  ),
  'GET /api/organiser/mailings/{id}/audience': {
    summary: 'Hoeveel mensen de mailing bereikt',
    description:
      'Een proefberekening nu: verschillende personen, min de geblokkeerden en wie zich afmeldde; en wat de vier ogen nog nodig hebben.',
    capability: 'Mailings',
    answers: {
      200: { description: 'De aantallen.', body: json(mailingAudience, mailingExamples.mailingAudience) },
    },
  },
  'POST /api/organiser/test-mail': {
    summary: 'Losse testmail naar jezelf',
    description: 'Om te zien of mail aankomt: naar het adres in je token.',
    capability: 'Mailings',
    body: {
      kind: 'json',
      schema: testMailRequest,
      example: { subject: 'Test', body: 'Komt dit aan?' },
    },
    fieldMeanings: {
      body: 'Platte tekst (geen Markdown), 1 tot 10.000 tekens; een lege regel begint een nieuwe alinea.',
    },
    answers: { 202: { description: 'Verstuurd.', body: json(testMailSent, mailingExamples.testMailSent) } },
    problems: ['recipient-suppressed'],
  },
  // --- Reports: the public side ----------------------------------------------------------------------------
  [`GET ${paths.reports}`]: {
    summary: 'Publicaties',
    description: 'Het archief, nieuwste eerst; `soort` kiest één soort.',
    capability: 'Publicaties',
    query: publicReportQuery,
    answers: { 200: page('Het archief.') },
  },
  [`GET ${paths.reportsFeed}`]: {
    summary: 'Feed van publicaties (Atom)',
    capability: 'Publicaties',
    answers: { 200: { description: 'De nieuwste publicaties.', body: 'atom' } },
  },
  [`GET ${paths.report}`]: {
    summary: 'Pagina van een publicatie',
    description: 'Op een oud adres volgt een 301 naar het huidige.',
    capability: 'Publicaties',
    answers: {
      200: page('De publicatie; op aanvraag met het aanvraagformulier.'),
      301: { description: 'Naar het huidige adres van de publicatie.', headers: ['redirect'] },
    },
  },
  'GET /api/reports': {
    summary: 'Publicaties',
    description: 'De gepubliceerde publicaties, nieuwste eerst, per pagina; `soort` kiest één soort.',
    capability: 'Publicaties',
    query: publicReportQuery,
    answers: {
      200: {
        description: 'Een pagina publicaties.',
        body: json(publicReportList, reportExamples.publicReportList),
      },
    },
  },
  [`GET ${paths.digestPreview}`]: {
    summary: 'Voorbeeld van de Vooruitblik',
    description:
      'De geplande Vooruitblik zoals lezers hem krijgen, achter de link in de melding aan de organisatoren.',
    capability: 'Mailings',
    token: 'de voorbeeldlink uit de melding aan de organisatoren',
    answers: { 200: page('De Vooruitblik.') },
  },
  [`POST ${paths.requestReport}`]: {
    summary: 'Publicatie aanvragen (formulier)',
    description:
      'Voor een publicatie op aanvraag: stuurt een bevestigingsmail; daarna keurt een organisator goed (of meteen, als de publicatie dat zegt).',
    capability: 'Publicaties',
    body: {
      kind: 'form',
      schema: reportRequestForm(reportConsentForTheDocument),
      formExample:
        'email=j.devries%40voorbeeld.nl&name=Jamila+de+Vries&organisation=Jongerenwerk+Utrecht&purpose=Voor+ons+teamoverleg&consent=true&consentVersion=<versie>',
    },
    answers: {
      200: page('“Check je mail”.'),
      400: page('Het formulier opnieuw, met per veld wat er mis is.'),
    },
    problems: ['not-requestable'],
  },
  [`GET ${paths.confirmReportRequest}`]: {
    summary: 'Bevestigingspagina aanvraag',
    capability: 'Publicaties',
    token: 'de bevestigingslink uit de mail',
    answers: { 200: page('De aanvraag en de bevestigknop.') },
  },
  [`POST ${paths.confirmReportRequest}`]: {
    summary: 'Aanvraag bevestigen',
    capability: 'Publicaties',
    token: 'de bevestigingslink uit de mail',
    body: emptyForm,
    answers: { 200: page('Bevestigd: de downloadlink komt per mail (na goedkeuring).') },
    problems: ['not-requestable'],
  },
  [`GET ${paths.reportDownload}`]: {
    summary: 'Downloadpagina',
    capability: 'Publicaties',
    token: 'de downloadlink uit de mail',
    answers: { 200: page('De publicatie en de downloadknop.') },
    problems: ['not-requestable'],
  },
  [`GET ${paths.reportDownloadFile}`]: {
    summary: 'PDF downloaden (op aanvraag)',
    description: 'Een verse, kortlevende downloadlink per klik; de download wordt geteld.',
    capability: 'Publicaties',
    token: 'de downloadlink uit de mail',
    answers: { 302: { description: 'Naar de PDF.', headers: ['redirect'] } },
    problems: ['not-requestable'],
  },
  [`GET ${paths.reportFile}`]: {
    summary: 'PDF van een openbare publicatie',
    description: 'Een verse, kortlevende downloadlink per klik.',
    capability: 'Publicaties',
    answers: { 302: { description: 'Naar de PDF.', headers: ['redirect'] } },
  },
  // --- Organisers: reports ---------------------------------------------------------------------------------
  'POST /api/organiser/reports/{id}/upload': {
    summary: 'PDF uploaden: het formulier',
    description:
      'Een uploadformulier met een tijdelijke handtekening (15 minuten geldig, alleen PDF, hoogstens 20 MB) en de `uploadId` om de upload mee af te ronden met `PUT …/document`.',
    capability: 'Publicaties beheren',
    answers: {
      201: {
        description: 'Het formulier.',
        body: json(documentUploadForm, reportExamples.documentUploadForm),
      },
    },
  },
  'PUT /api/organiser/reports/{id}/document': {
    summary: 'PDF koppelen',
    description:
      'Controleert de upload (echt een PDF, niet te groot) en maakt hem het document van de publicatie; anders wordt hij verwijderd (400 die zegt waarom).',
    capability: 'Publicaties beheren',
    ifMatch: 'optional',
    body: {
      kind: 'json',
      schema: attachDocumentRequest,
      example: { uploadId: '01JF5C3D4E5F6G7H8J9K0M1N2P', filename: 'jaarupdate-2024.pdf' },
    },
    answers: { 200: reportAnswer('De publicatie, met haar document.') },
  },
  'GET /api/organiser/reports/{id}/requests': {
    summary: 'Aanvragen van een publicatie',
    description:
      'Wie de publicatie aanvroeg, bevestigd of niet, goedgekeurd of niet, en hoe vaak gedownload.',
    capability: 'Publicaties beheren',
    answers: {
      200: { description: 'De aanvragen.', body: json(reportRequests, reportExamples.reportRequests) },
    },
  },
  'GET /api/organiser/reports/{id}/requests.csv': {
    summary: 'Aanvragen van een publicatie (CSV)',
    capability: 'Publicaties beheren',
    answers: { 200: { description: 'De aanvragen.', body: 'csv' } },
  },
  'POST /api/organiser/reports/{id}/requests/{personId}/approve': {
    summary: 'Aanvraag goedkeuren',
    description: 'De aanvrager krijgt de downloadlink per mail.',
    capability: 'Publicaties beheren',
    answers: {
      200: {
        description: 'Goedgekeurd.',
        body: json(reportRequestGranted, reportExamples.reportRequestGranted),
      },
    },
    problems: ['request-conflict'],
  },
  'GET /api/organiser/reports': {
    summary: 'Publicaties (alle statussen)',
    description: 'Per status (standaard `published`), per pagina.',
    capability: 'Publicaties beheren',
    query: reportListQuery,
    answers: {
      200: {
        description: 'Een pagina publicaties.',
        body: json(organiserReportList, reportExamples.organiserReportList),
      },
    },
  },
  'POST /api/organiser/reports': {
    summary: 'Publicatie schrijven',
    description:
      'Een concept in Markdown. Het adres (`slug`) komt uit de titel tenzij je het opgeeft; openbaar tenzij `visibility` anders zegt.',
    capability: 'Publicaties beheren',
    body: {
      kind: 'json',
      schema: createReportRequest,
      example: {
        title: 'Jaarupdate 2024',
        kind: 'jaarupdate',
        summary: 'Wat het programma in 2024 deed en leerde.',
        body: '## Het kennisnetwerk\n\nIn 2024 kwam het netwerk vijf keer bijeen …',
        publishedOn: '2025-02-14',
      },
    },
    answers: {
      201: {
        description: 'Het concept.',
        body: json(organiserReport, reportExamples.organiserReport),
        headers: ['etag', 'location'],
      },
    },
    problems: ['slug-taken'],
  },
  'GET /api/organiser/reports/{id}': {
    summary: 'Eén publicatie',
    capability: 'Publicaties beheren',
    answers: { 200: reportAnswer('De publicatie.') },
  },
  'PATCH /api/organiser/reports/{id}': {
    summary: 'Publicatie wijzigen',
    description:
      'Alleen de velden die je meestuurt; `meetingId: null` haalt de koppeling aan een bijeenkomst weg. Een nieuw adres laat het oude doorverwijzen.',
    capability: 'Publicaties beheren',
    ifMatch: 'required',
    body: {
      kind: 'json',
      schema: updateReportRequest,
      example: { summary: 'Wat het programma in 2024 deed, leerde en nog wil weten.' },
    },
    answers: { 200: reportAnswer('De gewijzigde publicatie.') },
    problems: ['slug-taken'],
  },
  'GET /api/organiser/reports/{id}/preview': {
    summary: 'Voorbeeld van een publicatie',
    description:
      'Precies de pagina die de publicatie gepubliceerd krijgt (ook voor een concept), en haar adres.',
    capability: 'Publicaties beheren',
    answers: {
      200: {
        description: 'Het voorbeeld.',
        body: json(reportPreview, reportExamples.reportPreview),
        headers: ['etag'],
      },
    },
  },
  ...Object.fromEntries(
    reportActions.map((action) => [
      `POST /api/organiser/reports/{id}/${action}`,
      {
        ...reportActionSummaries[action],
        capability: 'Publicaties beheren',
        ifMatch: 'optional',
        ...(action === 'schedule'
          ? { body: { kind: 'json', schema: scheduleReportRequest, example: scheduleExample } }
          : {}),
        answers: { 200: reportAnswer('De publicatie, met haar nieuwe status.', reportAfter[action]) },
        problems: ['report-conflict', 'not-permitted'],
      } satisfies Operation,
    ]),
  ),
  // --- The API itself --------------------------------------------------------------------------------------
  'GET /api': {
    summary: 'Naar de documentatie',
    capability: 'Over de API',
    answers: { 301: { description: 'Naar `/api/docs`.', headers: ['redirect'] } },
  },
  'GET /api/docs': {
    summary: 'Deze documentatie',
    capability: 'Over de API',
    answers: { 200: page('Elke route met haar doel, velden en een voorbeeld.') },
  },
  'GET /api/openapi.json': {
    summary: 'Het OpenAPI 3.1-document',
    description: 'Gemaakt uit dezelfde zod-schema’s waarmee de API de invoer controleert.',
    capability: 'Over de API',
    answers: {
      200: {
        description: 'Het document.',
        body: json(z.looseObject({ openapi: z.literal('3.1.0') }), { openapi: '3.1.0' }),
      },
    },
  },
};
