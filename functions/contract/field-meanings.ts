/**
 * What the fields of the requests mean, by name, for the docs page: the generator (lib/contract) puts them in
 * the document beside the request schemas, which stay free of descriptions (they are bundled into the
 * handlers). Where a name means different things in different requests, the text covers both.
 */
export const fieldMeanings: Readonly<Record<string, string>> = {
  // People and consent
  email: 'Het e-mailadres. In een filter: alleen als sleutel gebruikt, nooit bewaard.',
  name: 'De naam, zoals hij in de mails staat.',
  topics: 'Onderwerpen: `nieuwsbrief`, `bijeenkomsten` en/of `publicaties`.',
  consent: 'Toestemming voor de tekst die het formulier toont: `true`.',
  consentVersion: 'De versie van de toestemmingstekst die het formulier toonde (een verborgen veld).',
  organisation: 'De organisatie waarvoor de persoon werkt.',
  role: 'De rol: `jongerenwerker`, `manager`, `beleidsmedewerker` of `anders`.',
  municipality: 'De gemeente waarin de persoon werkt.',
  dietary: 'Dieetwensen (bijzondere persoonsgegevens: 30 dagen na de bijeenkomst verwijderd).',
  accessibility: 'Wat de persoon nodig heeft om te kunnen komen (ook 30 dagen na de bijeenkomst verwijderd).',
  overCapacity: 'Alleen voor `admins`: een extra plaats boven de capaciteit als de bijeenkomst vol is.',
  purpose: 'Waarvoor de persoon de publicatie wil gebruiken; mag leeg blijven.',
  personId: 'De persoons-id (32 hexadecimale tekens): een sleutel uit het e-mailadres, niet het adres zelf.',
  // Meetings
  slug: 'Het eigen adres: kleine letters, cijfers en koppeltekens (`/bijeenkomsten/<slug>`, `/publicaties/<slug>`); bij het wijzigen van een bijeenkomst haalt `null` het weg.',
  title: 'De titel.',
  description: 'De beschrijving, platte tekst; regeleinden blijven.',
  city: 'De plaats, zoals de agenda hem toont.',
  venueAddress: 'Het adres van de locatie.',
  startsAt: 'Het begin (RFC 3339 met tijdzone, zoals `2027-03-11T13:30:00+01:00`).',
  endsAt: 'Het einde, na het begin.',
  capacity: 'Hoeveel mensen een plaats krijgen.',
  registrationOpensAt: 'Vanaf wanneer aanmelden kan; bij het maken zonder dit veld: meteen.',
  registrationClosesAt: 'Tot wanneer aanmelden kan; bij het maken zonder dit veld: tot het begin.',
  waitingListEnabled: 'Of wie geen plaats meer krijgt op de wachtlijst komt.',
  reminderLeadHours: 'Hoeveel uur voor het begin de herinnering uitgaat.',
  questions: 'Welke vragen het aanmeldformulier stelt (`true`: de vraag staat erop).',
  'questions.organisation': 'Vraagt naar de organisatie (verplicht om in te vullen).',
  'questions.role': 'Vraagt naar de rol (verplicht om in te vullen).',
  'questions.municipality': 'Vraagt naar de gemeente (verplicht om in te vullen).',
  'questions.needs': 'Vraagt naar dieetwensen en toegankelijkheid (altijd optioneel om in te vullen).',
  message: 'Het bericht aan iedereen die is aangemeld of wacht, in de mail dat de bijeenkomst niet doorgaat.',
  // Mailings
  subject: 'Het onderwerp van de mail (hoogstens 200 tekens, één regel).',
  preheader: 'De regel die mailprogramma’s na het onderwerp tonen.',
  body: 'De tekst in Markdown (een mailing hoogstens 50.000 tekens, een publicatie 100.000).',
  audience:
    'Aan wie: `topics` (de abonnees van die onderwerpen), `meeting` met `registrations` (`confirmed`, `waiting` of `all`), of allebei (iedereen één keer).',
  'audience.topics': 'De onderwerpen waarvan de abonnees de mailing krijgen.',
  'audience.meeting': 'De id van de bijeenkomst waarvan de aanmeldingen de mailing krijgen.',
  'audience.registrations': 'Welke aanmeldingen: `confirmed`, `waiting` of `all`.',
  to: 'Eén tot vijf adressen voor de test; zonder: je eigen adres.',
  at: 'Wanneer (RFC 3339 met tijdzone, in de toekomst).',
  // Reports
  kind: 'De soort publicatie.',
  summary: 'Een korte samenvatting voor het archief en de feed.',
  publishedOn: 'De datum op de publicatie (`JJJJ-MM-DD`).',
  meetingId:
    'De bijeenkomst waar de publicatie bij hoort (een verslag); bij het wijzigen haalt `null` de koppeling weg.',
  visibility: '`public` (iedereen) of `on-request` (op aanvraag, met een downloadlink per mail).',
  approveRequests: 'Of een organisator elke aanvraag goedkeurt voordat de downloadlink uitgaat.',
  uploadId: 'De `uploadId` uit het uploadformulier (`POST …/upload`).',
  filename: 'De naam waaronder de PDF wordt opgeslagen bij downloaden.',
  // Lists
  status: 'Alleen deze status.',
  topic: 'Alleen abonnees van dit onderwerp.',
  soort: 'Alleen deze soort publicatie.',
  cursor: 'De `nextCursor` van de vorige pagina.',
  limit: 'Hoeveel per pagina.',
};
