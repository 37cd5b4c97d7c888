import * as z from 'zod/mini';
import type { SuppressionReason } from '../../core/mailings/suppression';
import { registrationStatuses } from '../../core/meetings/model';
import { auditKinds } from '../../core/organisers/audit';
import { subscriptionStatuses, type Topic, topics } from '../../core/subscriptions/model';
import { about, count, id, instant, listPage, named } from './common';

/** A person's id: a keyed hash of their address (core/people/person-id.ts), never the address itself. */
const personId = about(
  id,
  'De persoon: een sleutel uit het e-mailadres (32 hexadecimale tekens), niet het adres zelf.',
);

/**
 * A page whose items the code holds as a readonly array (the stores' pages): listPage, its items readonly so
 * the page the handler passes on satisfies the type as it is.
 */
const readonlyPage = <T extends z.ZodMiniType>(item: T) =>
  z.extend(listPage(item), { items: z.readonly(z.array(item)) });

/** One organiser action in the audit trail (core/organisers/audit.ts, as audit-trail-reader.ts reads it). */
export const auditEntry = named(
  z.object({
    entryId: about(id, 'Op tijd geordend: geef het als `cursor` voor de oudere regels.'),
    at: about(instant, 'Wanneer de actie werd uitgevoerd.'),
    actor: about(
      z.object({
        subject: about(z.string(), 'De vaste id van de organisator (de `sub` van het account).'),
        name: z.optional(z.string()),
      }),
      'Wie de actie uitvoerde.',
    ),
    action: about(
      z.string(),
      'De route die de organisator aanriep, zoals `POST /api/organiser/meetings/{id}/cancel`.',
    ),
    requestId: about(z.string(), 'De id van het verzoek, om het in de logs terug te vinden.'),
    kind: about(
      z.enum(auditKinds),
      'Waar de actie over gaat: `meeting`, `registration`, `mailing`, `report`, `report-request`, `suppression`, `test-mail` of `subscriber-import`.',
    ),
    targetId: about(
      z.string(),
      'De id van de bijeenkomst, mailing of publicatie; bij een blokkade de persoon; leeg als de route er geen noemt.',
    ),
    versionBefore: about(z.nullable(count), 'De versie ervoor; `null` bij iets nieuws of zonder versie.'),
    versionAfter: about(z.nullable(count), 'De versie erna; `null` bij iets verwijderds of zonder versie.'),
    changes: about(z.readonly(z.array(z.string())), 'De namen van de gewijzigde velden, nooit hun waarden.'),
    personId: z.optional(
      about(personId, 'De persoon waar de actie over gaat (aanmelding, aanvraag, blokkade).'),
    ),
    expiresAt: about(instant, 'Wanneer de regel wordt verwijderd (de bewaartermijn van de audit trail).'),
  }),
  'AuditEntry',
  'Eén actie van een organisator in de audit trail: wie, wat, wanneer en welke velden, nooit de waarden.',
);

export const auditPage = readonlyPage(auditEntry);

/** One person on the suppression list (core/mailings/suppression-admin.ts). */
export const suppression = named(
  z.object({
    personId,
    reason: about(
      z.enum(['hard-bounce', 'complaint', 'soft-bounces'] as const satisfies readonly SuppressionReason[]),
      '`hard-bounce` (adres bestaat niet), `complaint` (als spam gemeld) of `soft-bounces` (drie keer op rij niet bezorgd).',
    ),
    suppressedAt: instant,
    feedbackId: z.optional(about(z.string(), 'De id van de melding bij SES, om haar daar terug te vinden.')),
  }),
  'Suppression',
  'Een persoon die geen mail meer krijgt, en waarom.',
);

export const suppressionPage = readonlyPage(suppression);

/** organiser-suppression-lift.ts: the suppression that was lifted (a named schema takes no `about`: it would be a second `Suppression`). */
export const suppressionLifted = about(
  z.object({ lifted: suppression }),
  'De opgeheven blokkade (`lifted`): de volgende mail aan deze persoon gaat weer uit.',
);

/** A subscriber as the organisers' list shows them (organiser-subscribers.ts). */
const subscriber = z.object({
  email: about(z.nullable(z.email()), '`null` na afmelden: het adres is dan verwijderd.'),
  name: about(z.nullable(z.string()), '`null` zonder naam of na afmelden.'),
  status: about(
    z.enum(subscriptionStatuses),
    '`pending` (nog niet bevestigd), `active` of `unsubscribed` (afgemeld).',
  ),
  topics: about(
    z.readonly(z.array(z.enum(topics))),
    'De gekozen onderwerpen: `nieuwsbrief`, `bijeenkomsten`, `publicaties`.',
  ),
  consentAt: about(instant, 'Wanneer de persoon toestemming gaf.'),
});

export const subscriberPage = listPage(subscriber);

const perTopic = Object.fromEntries(topics.map((topic) => [topic, count])) as Record<Topic, typeof count>;

/** organiser-subscriber-counts.ts: subscribers per status, and per topic. */
export const subscriberCounts = z.object({
  active: about(z.object({ total: count, ...perTopic }), 'Bevestigde abonnees, in totaal en per onderwerp.'),
  pending: about(
    z.object({ total: count, ...perTopic }),
    'Aanmeldingen die nog op bevestiging wachten, in totaal en per onderwerp.',
  ),
  unsubscribed: about(z.object({ total: count }), 'Afgemelde abonnees.'),
});

const lines = (what: string) =>
  about(z.readonly(z.array(z.object({ line: about(count, 'De regel in het bestand.') }))), what);

/** organiser-subscriber-import.ts: what became of every row of the file (ImportReport in core/subscriptions/import.ts). */
export const subscriberImportReport = named(
  z.object({
    importId: about(
      z.string(),
      'De import: hetzelfde bestand met dezelfde keuzes is dezelfde import (nog eens sturen geeft dit verslag).',
    ),
    dryRun: about(z.boolean(), 'Een proef: er is niets opgeslagen en niets verstuurd.'),
    rows: about(count, 'Regels met gegevens in het bestand (de kopregel niet meegeteld).'),
    imported: about(
      count,
      'Geïmporteerd: wachten op hun bevestiging (en krijgen de bevestigingsmailing), of meteen aangemeld bij een import met bewijs van toestemming.',
    ),
    confirmedElsewhere: about(
      z.boolean(),
      'De import had bewijs van toestemming: de mensen zijn meteen aangemeld, zonder mail.',
    ),
    mailingId: about(
      z.nullable(id),
      'De bevestigingsmailing (volg haar met `GET /api/organiser/mailings/{id}`); `null` bij een proef, een import met bewijs of als niemand werd geïmporteerd.',
    ),
    invalid: about(
      z.readonly(
        z.array(
          z.object({
            line: about(count, 'De regel in het bestand.'),
            reason: about(z.string(), 'Wat er mis is.'),
          }),
        ),
      ),
      'Regels zonder bruikbaar e-mailadres.',
    ),
    duplicates: about(
      z.readonly(
        z.array(
          z.object({
            line: about(count, 'De regel in het bestand.'),
            firstLine: about(count, 'De regel waar het adres eerder stond.'),
          }),
        ),
      ),
      'Adressen die hoger in het bestand al stonden.',
    ),
    suppressed: lines('Adressen op de blokkeerlijst (bounce of klacht): niet geïmporteerd.'),
    alreadySubscribed: lines('Al aangemeld: niets veranderd.'),
    awaitingConfirmation: lines('Wachten al op bevestiging van een eerdere aanmelding: niets veranderd.'),
    unsubscribed: lines('Eerder afgemeld: een import meldt niemand opnieuw aan.'),
    askedBefore: lines(
      'Een import vroeg hen al eerder om te bevestigen (ze deden het niet, of meldden zich later af): een import vraagt iemand maar één keer in twee jaar.',
    ),
  }),
  'SubscriberImportReport',
  'Het verslag van een import: elke regel van het bestand staat in precies één van de lijsten, of is geïmporteerd.',
);

/** organiser-subscriber-import.ts: a round that ran out of time (ImportProgress in core/subscriptions/import.ts). */
export const subscriberImportProgress = named(
  z.object({
    importId: about(z.string(), 'De import.'),
    status: about(z.literal('importing'), 'Nog bezig: stuur hetzelfde verzoek opnieuw om verder te gaan.'),
    people: about(count, 'De verschillende geldige adressen in het bestand.'),
    handled: about(count, 'Hoeveel daarvan al verwerkt zijn.'),
  }),
  'SubscriberImportProgress',
  'Hoe ver een import is na een ronde die zijn tijd op had; hetzelfde verzoek nog eens gaat verder waar hij stopte.',
);

/** organiser-me.ts: who the caller is (describeOrganiser). */
export const organiserIdentity = z.object({
  subject: about(z.string(), 'De vaste id van het account (`sub`).'),
  email: z.nullable(z.string()),
  name: z.nullable(z.string()),
  groups: about(
    z.readonly(z.array(z.string())),
    'De groepen van het account, zoals `organisers` en `admins`.',
  ),
  isAdmin: about(z.boolean(), 'Lid van `admins`: mag ook de audit trail en de blokkeerlijst zien.'),
});

/** One registration in the JSON export (RegistrationExport). */
const registrationRow = z.object({
  registrationId: id,
  name: about(z.nullable(z.string()), '`null` zodra de persoonsgegevens zijn verwijderd (`anonymisedAt`).'),
  email: z.nullable(z.email()),
  status: about(
    z.enum(registrationStatuses),
    '`confirmed` (bevestigd), `waiting` (wachtlijst) of `cancelled`.',
  ),
  waitingPosition: about(
    z.nullable(count),
    'De plek op de wachtlijst (vanaf 1); `null` buiten de wachtlijst.',
  ),
  organisation: z.nullable(z.string()),
  role: about(
    z.nullable(z.string()),
    '`jongerenwerker`, `manager`, `beleidsmedewerker` of `anders`; `null` als het niet is gevraagd of ingevuld.',
  ),
  municipality: z.nullable(z.string()),
  dietary: about(z.nullable(z.string()), 'Dieetwensen; `null` als er geen zijn (of ze zijn verwijderd).'),
  accessibility: about(
    z.nullable(z.string()),
    'Wensen voor toegankelijkheid; `null` als er geen zijn (of ze zijn verwijderd).',
  ),
  registeredAt: instant,
  confirmedAt: z.nullable(instant),
  cancelledAt: z.nullable(instant),
  anonymisedAt: about(
    z.nullable(instant),
    'Wanneer de persoonsgegevens na de bewaartermijn zijn verwijderd; `null` zolang ze er zijn.',
  ),
});

/** organiser-registrations-json.ts: a meeting's registrations (registrationsJson, RegistrationsExport). */
export const registrationsExport = z.object({
  meetingId: id,
  title: z.string(),
  startsAt: instant,
  endsAt: instant,
  capacity: count,
  confirmedCount: about(count, 'Bevestigde aanmeldingen.'),
  waitingCount: about(count, 'Mensen op de wachtlijst.'),
  pendingCount: about(count, 'Aanmeldingen die nog op bevestiging per mail wachten: geteld, niet getoond.'),
  registrations: about(
    z.readonly(z.array(registrationRow)),
    'Eerst de bevestigde aanmeldingen, dan de wachtlijst op volgorde, dan de afmeldingen.',
  ),
});

/** subscribe-api.ts (202): the same answer for every accepted request. */
export const subscriptionAccepted = z.object({
  status: z.literal('accepted'),
  detail: z.string(),
});

export type AuditEntryBody = z.output<typeof auditEntry>;
export type AuditPageBody = z.output<typeof auditPage>;
export type SuppressionBody = z.output<typeof suppression>;
export type SuppressionPageBody = z.output<typeof suppressionPage>;
export type SuppressionLiftedBody = z.output<typeof suppressionLifted>;
export type SubscriberPageBody = z.output<typeof subscriberPage>;
export type SubscriberCountsBody = z.output<typeof subscriberCounts>;
export type SubscriberImportReportBody = z.output<typeof subscriberImportReport>;
export type SubscriberImportProgressBody = z.output<typeof subscriberImportProgress>;
export type OrganiserIdentityBody = z.output<typeof organiserIdentity>;
export type RegistrationsExportBody = z.output<typeof registrationsExport>;
export type SubscriptionAcceptedBody = z.output<typeof subscriptionAccepted>;

const organiserSubject = '3f6c2a91-5b7e-4d08-a1c4-9e2b7d5f8a60';

const cancelled = {
  entryId: '01JF3Q8Z6W9X2V7K4N5M8P1R3T',
  at: '2025-03-12T14:03:27.905Z',
  actor: { subject: organiserSubject, name: 'Dilly Timmer' },
  action: 'POST /api/organiser/meetings/{id}/cancel',
  requestId: 'Hk3vQjxYIAMEb2A=',
  kind: 'meeting',
  targetId: 'kennisnetwerk-2025-utrecht',
  versionBefore: 6,
  versionAfter: 7,
  changes: ['cancellationMessage', 'cancelledAt', 'status'],
  expiresAt: '2027-03-12T14:03:27.000Z',
} satisfies AuditEntryBody;

const bounced = {
  personId: '9c1e4b7a2d5f8036a1b4c7d0e3f6a9b2',
  reason: 'hard-bounce',
  suppressedAt: '2025-02-18T07:41:12.330Z',
  feedbackId: '0102019516a3c7e4-5d2b8f61-9a0c-4e37-b1d8-6f2e4a9c0b37-000000',
} satisfies SuppressionBody;

/** One realistic answer per schema, for the document's examples. */
export const organiserExamples = {
  auditEntry: cancelled,
  auditPage: {
    items: [
      cancelled,
      {
        entryId: '01JF3Q7Y5V8W1U6J3M4L7N0Q2S',
        at: '2025-03-12T13:58:02.114Z',
        actor: { subject: organiserSubject, name: 'Dilly Timmer' },
        action: 'DELETE /api/organiser/suppressions/{id}',
        requestId: 'Hk3ukjRpIAMEbQw=',
        kind: 'suppression',
        targetId: '4a7d0c3f6b9e2158d4a7c0f3b6e9d2a5',
        versionBefore: null,
        versionAfter: null,
        changes: ['feedbackId', 'personId', 'reason', 'suppressedAt'],
        personId: '4a7d0c3f6b9e2158d4a7c0f3b6e9d2a5',
        expiresAt: '2027-03-12T13:58:02.000Z',
      },
    ],
    nextCursor: '01JF3Q7Y5V8W1U6J3M4L7N0Q2S',
  } satisfies AuditPageBody,
  suppression: bounced,
  suppressionPage: {
    items: [
      bounced,
      {
        personId: '2b5e8a1d4c7f0936b2e5a8d1c4f7b0e3',
        reason: 'soft-bounces',
        suppressedAt: '2025-02-02T11:20:45.018Z',
      },
    ],
    nextCursor: null,
  } satisfies SuppressionPageBody,
  suppressionLifted: { lifted: bounced } satisfies SuppressionLiftedBody,
  subscriberPage: {
    items: [
      {
        email: 'sanne.devries@drop-in.example',
        name: 'Sanne de Vries',
        status: 'active',
        topics: ['nieuwsbrief', 'bijeenkomsten'],
        consentAt: '2025-01-06T09:14:32.201Z',
      },
      {
        email: null,
        name: null,
        status: 'unsubscribed',
        topics: ['publicaties'],
        consentAt: '2024-11-20T16:02:51.447Z',
      },
    ],
    nextCursor: null,
  } satisfies SubscriberPageBody,
  subscriberCounts: {
    active: { total: 412, nieuwsbrief: 371, bijeenkomsten: 198, publicaties: 143 },
    pending: { total: 9, nieuwsbrief: 8, bijeenkomsten: 3, publicaties: 2 },
    unsubscribed: { total: 27 },
  } satisfies SubscriberCountsBody,
  subscriberImportReport: {
    importId: 'oA3kQ9vX2mL7pR4tW8yZ1bC5dE',
    dryRun: false,
    rows: 212,
    imported: 196,
    confirmedElsewhere: false,
    mailingId: '01JF4B2C3D4E5F6G7H8J9K0M1N',
    invalid: [{ line: 37, reason: 'Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.' }],
    duplicates: [
      { line: 88, firstLine: 12 },
      { line: 140, firstLine: 63 },
    ],
    suppressed: [{ line: 54 }],
    alreadySubscribed: [{ line: 3 }, { line: 19 }, { line: 77 }, { line: 102 }, { line: 150 }, { line: 201 }],
    awaitingConfirmation: [{ line: 9 }, { line: 167 }],
    unsubscribed: [{ line: 45 }, { line: 120 }, { line: 178 }],
    askedBefore: [{ line: 190 }],
  } satisfies SubscriberImportReportBody,
  subscriberImportProgress: {
    importId: 'oA3kQ9vX2mL7pR4tW8yZ1bC5dE',
    status: 'importing',
    people: 1874,
    handled: 1210,
  } satisfies SubscriberImportProgressBody,
  organiserIdentity: {
    subject: organiserSubject,
    email: 'dilly.timmer@drop-in.example',
    name: 'Dilly Timmer',
    groups: ['organisers', 'admins'],
    isAdmin: true,
  } satisfies OrganiserIdentityBody,
  registrationsExport: {
    meetingId: 'kennisnetwerk-2024-bergen-op-zoom',
    title: 'Kennisnetwerk Bergen op Zoom: zonder vertrouwen kom je niet binnen',
    startsAt: '2024-11-28T13:00:00.000Z',
    endsAt: '2024-11-28T16:30:00.000Z',
    capacity: 80,
    confirmedCount: 1,
    waitingCount: 1,
    pendingCount: 2,
    registrations: [
      {
        registrationId: '01JC8N4R6T8V0X2Z4B6D8F0H2K',
        name: 'Youssef El Amrani',
        email: 'y.elamrani@drop-in.example',
        status: 'confirmed',
        waitingPosition: null,
        organisation: 'Stichting Jongerenwerk West-Brabant',
        role: 'jongerenwerker',
        municipality: 'Bergen op Zoom',
        dietary: 'Vegetarisch',
        accessibility: null,
        registeredAt: '2024-10-14T08:21:37.552Z',
        confirmedAt: '2024-10-14T08:25:02.118Z',
        cancelledAt: null,
        anonymisedAt: null,
      },
      {
        registrationId: '01JCA2P5S7U9W1Y3A5C7E9G1J3',
        name: 'Marieke Jansen',
        email: 'marieke.jansen@drop-in.example',
        status: 'waiting',
        waitingPosition: 1,
        organisation: 'Gemeente Roosendaal',
        role: 'beleidsmedewerker',
        municipality: 'Roosendaal',
        dietary: null,
        accessibility: 'Rolstoeltoegankelijke zaal graag',
        registeredAt: '2024-11-02T19:40:11.907Z',
        confirmedAt: null,
        cancelledAt: null,
        anonymisedAt: null,
      },
    ],
  } satisfies RegistrationsExportBody,
  subscriptionAccepted: {
    status: 'accepted',
    detail: 'Als dit adres kan worden aangemeld, ontvangt het een e-mail om de aanmelding te bevestigen.',
  } satisfies SubscriptionAcceptedBody,
};
