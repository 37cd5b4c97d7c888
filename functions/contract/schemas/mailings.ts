import * as z from 'zod/mini';
import { mailingStatuses, registrationSelections } from '../../core/mailings/mailing';
import { topics } from '../../core/subscriptions/model';
import { about, count, id, instant, listPage, named, version } from './common';

/*
 * Arrays the views pass on from the core are readonly there (`readonly Topic[]`), so they are `z.readonly` here:
 * a mutable array type would not take them. In the document that is `readOnly: true`, which a response may say.
 */

/** Why a paused mailing is paused (PauseCause in core/mailings/mailing.ts). */
const pauseCauses = ['organiser', 'account', 'complaints'] as const;

const topicList = about(
  z.readonly(z.array(z.enum(topics))),
  'De onderwerpen: wie bevestigd is aangemeld voor één ervan, krijgt de mailing.',
);
const meetingPart = {
  meeting: about(id, 'De bijeenkomst: haar aanmeldingen krijgen de mailing.'),
  registrations: about(
    z.enum(registrationSelections),
    'Welke aanmeldingen: `confirmed` (bevestigd), `waiting` (wachtlijst) of `all` (allebei).',
  ),
};

/** Topics, a meeting, or both (then one mail per person). Both first: parsing takes the first that fits. */
const audience = about(
  z.union([
    z.object({ topics: topicList, ...meetingPart }),
    z.object({ topics: topicList }),
    z.object(meetingPart),
    z.object({
      import: about(
        z.string(),
        'Een import (`POST /api/organiser/subscribers/imports`): wie hij aanmeldde en nog niet bevestigde. Alleen een import maakt zo’n mailing.',
      ),
    }),
  ]),
  'Wie de mailing krijgt: de abonnees van onderwerpen, de aanmeldingen van een bijeenkomst, allebei (dan één mail per persoon), of de mensen van een import (de vraag om te bevestigen).',
);

const author = about(
  z.object({
    subject: about(
      z.string(),
      'De vaste gebruikers-id van de auteur bij de inlogdienst (`system:vooruitblik` bij de Vooruitblik).',
    ),
    email: z.optional(z.string()),
    name: z.optional(z.string()),
  }),
  'Wie de mailing schreef, zoals de inlogdienst die noemt.',
);

const counts = about(
  z.object({
    audience: about(count, 'Ontvangers in de verzendlijst.'),
    sent: about(count, 'Verstuurd.'),
    skipped: about(
      count,
      'Overgeslagen: afgemeld of op de blokkeerlijst gekomen voordat hun mail aan de beurt was.',
    ),
    failed: about(count, 'Mislukt, ook na herhaalde pogingen.'),
    inDoubt: about(count, 'Onzeker: mogelijk verstuurd, nog niet bevestigd.'),
  }),
  'Waar het verzenden staat; exact zodra de mailing verzonden is.',
);

/** What a mailing in the list and in full both show (mailingSummaryView). */
const summaryShape = {
  id,
  subject: about(z.string(), 'De onderwerpregel.'),
  status: about(
    z.enum(mailingStatuses),
    '`draft` (concept), `scheduled` (ingepland), `sending` (wordt verzonden), `paused` (gepauzeerd), `waiting-for-quota` (wacht op verzendquotum), `sent` (verzonden) of `cancelled` (geannuleerd).',
  ),
  statusLabel: about(z.string(), 'De status in woorden, zoals de beheeromgeving hem toont.'),
  audience,
  version,
  author,
  createdAt: instant,
  updatedAt: instant,
  scheduledAt: z.optional(about(instant, 'Alleen als de mailing is ingepland: wanneer hij uitgaat.')),
  counts: z.optional(counts),
};

/** A mailing in the list (functions/handlers/views/mailings.ts, mailingSummaryView). */
export const mailingSummary = named(
  z.object(summaryShape),
  'MailingSummary',
  'Een mailing in de lijst: wat het is en hoe ver hij is.',
);

const sending = about(
  z.object({
    audienceComplete: about(
      z.boolean(),
      'De verzendlijst is helemaal opgebouwd; tot dan groeit `counts.audience` nog.',
    ),
    ratePerSecond: z.optional(about(z.number().check(z.gte(0)), 'Hoeveel mails per seconde er nu uitgaan.')),
    startedAt: z.optional(instant),
    finishedAt: z.optional(instant),
    deliveries: about(count, 'Mails die volgens de mailprovider zijn afgeleverd.'),
    complaints: about(count, 'Ontvangers die de mail als spam hebben gemeld.'),
  }),
  'Het verzenden: tempo, begin en einde, en de terugmeldingen tot nu toe.',
);

const testSend = z.object({
  by: about(z.string(), 'De gebruikers-id van de organisator die de testmail verstuurde.'),
  to: z.readonly(z.array(z.string())),
  at: instant,
  version: about(z.number().check(z.int(), z.gte(1)), 'De versie van de mailing die de testmail liet zien.'),
});

const approval = about(
  z.object({
    by: about(z.string(), 'De gebruikers-id van de organisator die goedkeurde.'),
    name: z.optional(z.string()),
    at: instant,
    version: about(
      z.number().check(z.int(), z.gte(1)),
      'De goedgekeurde versie; een wijziging maakt de goedkeuring ongeldig.',
    ),
  }),
  'De goedkeuring door een tweede organisator (het vierogenprincipe).',
);

const fourEyes = about(
  z.object({
    testSentToAuthor: about(
      z.boolean(),
      'Er ging een testmail van deze versie naar het eigen adres van de auteur.',
    ),
    approvedForCurrentVersion: about(z.boolean(), 'Een tweede organisator keurde deze versie goed.'),
  }),
  'Het vierogenprincipe voor de huidige versie. Nodig voor een mailing aan meer mensen dan de drempel (standaard 500).',
);

/** One mailing in full (mailingView): its content, state, four-eyes record and, once it sends, its progress. */
const mailingShape = {
  ...summaryShape,
  sending: z.optional(sending),
  notice: z.optional(
    about(z.string(), 'Waarom het ingeplande verzenden niet doorging (de mailing werd weer een concept).'),
  ),
  preheader: z.optional(about(z.string(), 'De regel die mailprogramma’s na de onderwerpregel tonen.')),
  body: about(z.string(), 'De tekst, in Markdown.'),
  approval: z.optional(approval),
  testSends: about(z.readonly(z.array(testSend)), 'De laatste testmails (hoogstens tien), oudste eerst.'),
  fourEyes,
  pausedBy: z.optional(
    about(
      z.enum(pauseCauses),
      'Wie pauzeerde: `organiser` (een organisator), `account` (de mailprovider stopte het verzenden) of `complaints` (te veel spammeldingen).',
    ),
  ),
  announcesReport: z.optional(
    about(id, 'De publicatie die deze mailing aankondigt: hij gaat uit zodra die publicatie verschijnt.'),
  ),
  digestFor: z.optional(
    about(instant, 'Een Vooruitblik: wanneer hij uitgaat, als een organisator hem vóór die tijd goedkeurde.'),
  ),
};

export const mailing = named(
  z.object(mailingShape),
  'Mailing',
  'Eén mailing: de inhoud, de status, het vierogenprincipe en, tijdens en na het verzenden, de voortgang.',
);

/** A new draft (organiser-mailing-create.ts, organiser-meeting-announce.ts): its id, then the mailing. */
export const createdMailing = z.object({ mailingId: id, ...mailingShape });

export const mailingList = listPage(mailingSummary);

/** The mail a sample recipient gets (previewMailing; web/mail/mailing-mail.ts, sampleMailingMail). */
export const mailingPreview = z.object({
  subject: z.string(),
  preheader: z.optional(about(z.string(), 'De regel die mailprogramma’s na de onderwerpregel tonen.')),
  html: about(z.string(), 'De mail als HTML-document, met een voorbeeldaanhef en voorbeeldlinks.'),
  text: about(z.string(), 'Dezelfde mail als platte tekst.'),
});

/** The dry run (organiser-mailing-audience.ts). */
export const mailingAudience = z.object({
  audience: about(count, 'Hoeveel mensen de mailing krijgen als hij nu verstuurd wordt.'),
  distinct: about(count, 'Alle verschillende mensen in de doelgroep, ook wie wordt overgeslagen.'),
  skipped: about(
    z.object({
      suppressed: about(count, 'Op de blokkeerlijst: mail aan hen was onbestelbaar of werd als spam gemeld.'),
      optedOut: about(
        count,
        'Alleen via de bijeenkomst in de doelgroep, en afgemeld voor mailings aan deelnemers van bijeenkomsten.',
      ),
    }),
    'Wie wordt overgeslagen, en waarom.',
  ),
  fourEyes: z.object({
    threshold: about(count, 'Boven dit aantal ontvangers geldt het vierogenprincipe.'),
    required: about(z.boolean(), 'Het vierogenprincipe geldt voor deze mailing.'),
    missing: about(z.array(z.string()), 'Wat er nog nodig is voordat de mailing uit mag; leeg als niets.'),
  }),
});

/** A test of the house mail to the organiser's own address (organiser-test-mail.ts). */
export const testMailSent = z.object({
  status: z.literal('sent'),
  messageId: about(z.string(), 'Het kenmerk dat de mailprovider aan de mail gaf.'),
});

export type MailingSummaryBody = z.output<typeof mailingSummary>;
export type MailingBody = z.output<typeof mailing>;
export type CreatedMailingBody = z.output<typeof createdMailing>;
export type MailingListBody = z.output<typeof mailingList>;
export type MailingPreviewBody = z.output<typeof mailingPreview>;
export type MailingAudienceBody = z.output<typeof mailingAudience>;
export type TestMailSentBody = z.output<typeof testMailSent>;

const author1 = {
  subject: '3b7e4c1a-9d2f-4e8b-a6c5-0f1d2e3a4b5c',
  email: 'marieke.jansen@drop-in.example',
  name: 'Marieke Jansen',
};

const newsletterSummary = {
  id: '01JF3Q8Z6W9X2V7K4N5M8P1R3T',
  subject: 'Nieuwsbrief Drop In – december 2026',
  status: 'sending',
  statusLabel: 'wordt verzonden',
  audience: { topics: ['nieuwsbrief', 'publicaties'] },
  version: 3,
  author: author1,
  createdAt: '2026-11-28T09:12:44.318Z',
  updatedAt: '2026-12-03T08:00:02.105Z',
} satisfies MailingSummaryBody;

const announcementDraft = {
  id: '01JFB2M7K9R4T6V8X0Z2C4E6G8',
  subject: 'Nieuwe bijeenkomst: Drop In Utrecht op 12 februari',
  status: 'draft',
  statusLabel: 'concept',
  audience: { topics: ['bijeenkomsten'] },
  version: 1,
  author: { subject: '8f2d6a0b-1c3e-4f5a-9b7d-2e4c6a8b0d1f', email: 'sanne.bakker@drop-in.example' },
  createdAt: '2026-12-10T14:31:07.902Z',
  updatedAt: '2026-12-10T14:31:07.902Z',
  preheader: 'Op donderdag 12 februari 2027 in Utrecht. Meld je aan, er zijn 40 plaatsen.',
  body:
    '## Drop In Utrecht\n\nOp **donderdag 12 februari 2027** komen we bij elkaar in Utrecht.\n\n' +
    '[Meld je aan](https://drop-in.example/bijeenkomsten/utrecht-februari-2027)',
  testSends: [],
  fourEyes: { testSentToAuthor: false, approvedForCurrentVersion: false },
} satisfies MailingBody;

/** One realistic answer per schema: the docs show them, and a test can check them against the schemas. */
export const mailingExamples = {
  mailingSummary: {
    ...newsletterSummary,
    status: 'scheduled',
    statusLabel: 'ingepland',
    scheduledAt: '2026-12-03T08:00:00.000Z',
  } satisfies MailingSummaryBody,
  mailing: {
    ...newsletterSummary,
    counts: { audience: 1843, sent: 1210, skipped: 4, failed: 1, inDoubt: 2 },
    sending: {
      audienceComplete: true,
      ratePerSecond: 12,
      startedAt: '2026-12-03T08:00:03.411Z',
      deliveries: 1187,
      complaints: 0,
    },
    preheader: 'Terugblik op Zwolle, drie nieuwe publicaties en de bijeenkomsten van het voorjaar.',
    body:
      '## Nieuwsbrief december 2026\n\nBeste lezer, in november kwamen we met 38 mensen bij elkaar in Zwolle.\n\n' +
      '### Nieuwe publicaties\n\n- [Terugblik Drop In Zwolle](https://drop-in.example/publicaties/terugblik-zwolle-2026)',
    approval: {
      by: '8f2d6a0b-1c3e-4f5a-9b7d-2e4c6a8b0d1f',
      name: 'Sanne Bakker',
      at: '2026-12-02T16:45:20.031Z',
      version: 3,
    },
    testSends: [
      {
        by: author1.subject,
        to: ['marieke.jansen@drop-in.example'],
        at: '2026-12-02T15:03:11.540Z',
        version: 3,
      },
    ],
    fourEyes: { testSentToAuthor: true, approvedForCurrentVersion: true },
  } satisfies MailingBody,
  createdMailing: { mailingId: announcementDraft.id, ...announcementDraft } satisfies CreatedMailingBody,
  mailingList: {
    items: [
      {
        ...newsletterSummary,
        status: 'scheduled',
        statusLabel: 'ingepland',
        scheduledAt: '2026-12-03T08:00:00.000Z',
      },
      {
        id: 'vooruitblik-20270104',
        subject: 'Vooruitblik januari 2027',
        status: 'draft',
        statusLabel: 'concept',
        audience: { topics: ['nieuwsbrief'] },
        version: 1,
        author: { subject: 'system:vooruitblik', name: 'Vooruitblik' },
        createdAt: '2026-12-29T08:00:01.220Z',
        updatedAt: '2026-12-29T08:00:01.220Z',
      },
      {
        id: '01JE7T2W4Y6A8C0E2G4J6L8N0Q',
        subject: 'Praktische informatie voor Drop In Zwolle',
        status: 'sent',
        statusLabel: 'verzonden',
        audience: { meeting: '01jd9k3m5p7r9t1v3x5z7b9d1f', registrations: 'all' },
        version: 2,
        author: author1,
        createdAt: '2026-11-14T10:20:55.004Z',
        updatedAt: '2026-11-18T07:30:12.876Z',
      },
    ],
    nextCursor: 'eyJQSyI6Ik1BSUxJTkcjMDFKRTdUMlc0WTZBOEMwRTJHNEo2TDhOMFEifQ',
  } satisfies MailingListBody,
  mailingPreview: {
    subject: 'Nieuwsbrief Drop In – december 2026',
    preheader: 'Terugblik op Zwolle, drie nieuwe publicaties en de bijeenkomsten van het voorjaar.',
    html: '<!doctype html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n<title>Nieuwsbrief Drop In – december 2026</title>\n…</html>\n',
    text:
      'Beste lezer,\n\n## Nieuwsbrief december 2026\n\n…\n\nMet vriendelijke groet,\nHet team van Drop In\n\n-- \n' +
      'Je ontvangt deze mail van Drop In omdat je bent aangemeld voor de nieuwsbrief of berichten over publicaties.\n' +
      'https://drop-in.example\nVoorkeuren: https://drop-in.example/nieuwsbrief/voorkeuren\n' +
      'Afmelden: https://drop-in.example/nieuwsbrief/afmelden\n',
  } satisfies MailingPreviewBody,
  mailingAudience: {
    audience: 1843,
    distinct: 1851,
    skipped: { suppressed: 6, optedOut: 2 },
    fourEyes: {
      threshold: 500,
      required: true,
      missing: ['een testmail van deze versie aan de auteur', 'de goedkeuring van een tweede organisator'],
    },
  } satisfies MailingAudienceBody,
  testMailSent: {
    status: 'sent',
    messageId: '0102019a7c3e5f21-6b8d4a2e-91c4-4f7a-b3d2-5e8f0a1c2d3e-000000',
  } satisfies TestMailSentBody,
};
