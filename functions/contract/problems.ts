/**
 * Every problem type the API answers (`urn:dropin:problem:<code>`), with its status and what it means for the
 * caller. The edge (functions/handlers/http/edge.ts) sets the status; the contract lists per route which of
 * these it may answer, and the integration tests hold every problem they see to that list.
 */
export const problemTypes = {
  'invalid-input': { status: 400, meaning: 'De invoer klopt niet; per veld staat erbij wat er mis is.' },
  'malformed-body': { status: 400, meaning: 'De inhoud is geen geldige JSON of formulierinhoud (UTF-8).' },
  'invalid-token': { status: 400, meaning: 'De link is ongeldig, verlopen of voor iets anders bedoeld.' },
  'not-authenticated': { status: 401, meaning: 'Geen (geldig) token: log opnieuw in.' },
  'not-permitted': {
    status: 403,
    meaning: 'Je rol geeft geen toegang tot deze functie, of dit mag jij niet.',
  },
  'not-found': { status: 404, meaning: 'Dit bestaat niet (meer).' },
  'mailing-conflict': {
    status: 409,
    meaning: 'De status van de mailing laat dit niet toe; de melding noemt die.',
  },
  'meeting-conflict': { status: 409, meaning: 'De status van de bijeenkomst laat dit niet toe.' },
  'meeting-full': { status: 409, meaning: 'De bijeenkomst is vol en heeft geen wachtlijst.' },
  'meeting-over': { status: 409, meaning: 'De bijeenkomst is al voorbij.' },
  'meeting-not-announceable': {
    status: 409,
    meaning: 'Alleen een gepubliceerde, komende bijeenkomst kan worden aangekondigd.',
  },
  'registration-closed': { status: 409, meaning: 'Aanmelden is (nog) niet mogelijk.' },
  'recipient-suppressed': {
    status: 409,
    meaning: 'Een ontvanger staat op de blokkeerlijst (bounce of klacht).',
  },
  'report-conflict': { status: 409, meaning: 'De status van de publicatie laat dit niet toe.' },
  'request-conflict': { status: 409, meaning: 'De aanvraag staat niet (meer) open voor goedkeuring.' },
  'not-requestable': { status: 409, meaning: 'Deze publicatie is niet op aanvraag.' },
  'import-in-progress': {
    status: 409,
    meaning: 'Dezelfde import loopt nog; stuur hem straks opnieuw voor het verslag.',
  },
  'slug-taken': { status: 409, meaning: 'Dit adres (`slug`) is al in gebruik.' },
  'request-expired': { status: 410, meaning: 'De aanvraag is verlopen.' },
  'stale-version': {
    status: 412,
    meaning: 'Iemand anders heeft het intussen gewijzigd: haal het opnieuw op.',
  },
  'payload-too-large': { status: 413, meaning: 'Het verzoek is te groot.' },
  'unsupported-media-type': {
    status: 415,
    meaning:
      'Deze route neemt dit formaat niet aan: JSON (`application/json`) of, bij een formulier, urlencoded of multipart, in UTF-8.',
  },
  'precondition-required': {
    status: 428,
    meaning: 'Stuur de versie die je wijzigt mee als `If-Match` (de ETag).',
  },
  'too-many-requests': {
    status: 429,
    meaning: 'Te veel verzoeken deze minuut; `Retry-After` zegt wanneer weer.',
  },
  'import-interrupted': {
    status: 503,
    meaning:
      'De import stopte halverwege door een storing; stuur hetzelfde bestand met dezelfde keuzes opnieuw om hem af te maken.',
  },
  internal: { status: 500, meaning: 'Er ging iets mis aan onze kant; probeer het later opnieuw.' },
  'concurrent-change': {
    status: 503,
    meaning: 'Het was even te druk; er is niets opgeslagen. Probeer het opnieuw.',
  },
} as const satisfies Record<string, { readonly status: number; readonly meaning: string }>;

export type ProblemCode = keyof typeof problemTypes;

export const problemType = (code: ProblemCode): string => `urn:dropin:problem:${code}`;
