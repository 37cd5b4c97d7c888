import * as z from 'zod/mini';
import { meetingStatuses } from '../../core/meetings/model';
import { about, count, id, instant, listPage, named, version } from './common';

const questions = about(
  z.object({
    organisation: z.boolean(),
    role: z.boolean(),
    municipality: z.boolean(),
    needs: z.boolean(),
  }),
  'Welke vragen het aanmeldformulier stelt (`needs`: dieet en toegankelijkheid, altijd optioneel).',
);

const status = about(z.enum(meetingStatuses), '`draft` (concept), `published` of `cancelled`.');
const slug = about(z.string(), 'Het eigen adres: de pagina staat op `/bijeenkomsten/<slug>`.');

/** A meeting as anyone may see it (functions/handlers/views/meetings.ts, publicMeetingView). */
export const publicMeeting = named(
  z.object({
    id,
    status,
    title: z.string(),
    description: about(z.string(), 'Platte tekst; regeleinden blijven.'),
    city: z.string(),
    venueAddress: z.string(),
    startsAt: instant,
    endsAt: instant,
    capacity: count,
    placesLeft: about(count, 'Vrije plaatsen voor wie zich nu aanmeldt (0 zolang er mensen wachten).'),
    waitingListEnabled: z.boolean(),
    registration: z.object({
      opensAt: instant,
      closesAt: instant,
      state: about(z.enum(['not-open-yet', 'open', 'closed']), 'Of aanmelden nu kan.'),
    }),
    questions,
    slug: z.nullable(slug),
  }),
  'PublicMeeting',
  'Een gepubliceerde (of afgelaste) bijeenkomst, zoals iedereen die ziet.',
);

/** A meeting as organisers see it: everything, its counters included (organiserMeetingView). */
export const organiserMeeting = named(
  z.object({
    id,
    meetingId: id,
    status,
    slug: z.optional(slug),
    title: z.string(),
    description: z.string(),
    city: z.string(),
    venueAddress: z.string(),
    startsAt: instant,
    endsAt: instant,
    capacity: count,
    registrationOpensAt: instant,
    registrationClosesAt: instant,
    waitingListEnabled: z.boolean(),
    reminderLeadHours: about(count, 'Hoeveel uur voor het begin de herinnering uitgaat.'),
    questions,
    confirmedCount: about(count, 'Bevestigde aanmeldingen.'),
    waitingCount: about(count, 'Mensen op de wachtlijst.'),
    waitingTicket: z.optional(about(count, 'Het laatste wachtlijstnummer dat is uitgegeven.')),
    createdAt: instant,
    updatedAt: instant,
    publishedAt: z.optional(instant),
    cancelledAt: z.optional(instant),
    cancellationMessage: z.optional(
      about(z.string(), 'Het bericht aan de deelnemers, meegestuurd in de afmeldingsmail.'),
    ),
    personalDataRemovedAt: z.optional(
      about(instant, 'Wanneer de persoonsgegevens van de aanmeldingen zijn verwijderd (bewaartermijn).'),
    ),
    version,
    sequence: about(count, 'De iCalendar-SEQUENCE: stijgt bij een nieuwe tijd of plaats en bij afgelasten.'),
  }),
  'OrganiserMeeting',
  'Een bijeenkomst zoals organisatoren haar zien, met de tellers.',
);

/** A registration as an organiser takes it (organiser-registration-create.ts). */
export const organiserRegistrationOutcome = z.object({
  status: about(z.enum(['confirmed', 'waiting']), 'Een plaats (`confirmed`) of een plek op de wachtlijst.'),
  position: about(z.nullable(count), 'De plek op de wachtlijst; `null` bij een plaats.'),
  already: about(z.boolean(), 'De persoon was al aangemeld: er is niets veranderd.'),
  registrationId: id,
});

/** The same answer to every public registration request: the mailed link confirms it. */
export const registrationRequested = z.object({
  status: z.literal('requested'),
  detail: z.string(),
});

/** The public list of upcoming meetings (meetings-api.ts): all of them, soonest first. */
export const publicMeetingList = z.object({ items: z.array(publicMeeting) });

/** A page of the organiser's meeting list (organiser-meetings.ts). */
export const organiserMeetingList = listPage(organiserMeeting);

export type PublicMeetingBody = z.output<typeof publicMeeting>;
export type OrganiserMeetingBody = z.output<typeof organiserMeeting>;
export type OrganiserRegistrationOutcomeBody = z.output<typeof organiserRegistrationOutcome>;
export type RegistrationRequestedBody = z.output<typeof registrationRequested>;
export type PublicMeetingListBody = z.output<typeof publicMeetingList>;
export type OrganiserMeetingListBody = z.output<typeof organiserMeetingList>;

const utrecht = {
  id: '01jf3q8z6w9x2v7k4n5m8p1r3t',
  meetingId: '01jf3q8z6w9x2v7k4n5m8p1r3t',
  status: 'published',
  slug: 'kennisnetwerk-utrecht-2027',
  title: 'Bijeenkomst landelijk kennisnetwerk – Utrecht',
  description: 'We bespreken de tussentijdse resultaten van de onderzoekswerkplaatsen.\nLunch inbegrepen.',
  city: 'Utrecht',
  venueAddress: 'Jaarbeursplein 6, 3521 AL Utrecht',
  startsAt: '2027-03-11T12:30:00.000Z',
  endsAt: '2027-03-11T16:00:00.000Z',
  capacity: 60,
  registrationOpensAt: '2027-01-15T08:00:00.000Z',
  registrationClosesAt: '2027-03-10T12:00:00.000Z',
  waitingListEnabled: true,
  reminderLeadHours: 48,
  questions: { organisation: true, role: true, municipality: true, needs: true },
  confirmedCount: 42,
  waitingCount: 0,
  createdAt: '2026-12-01T09:15:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
  publishedAt: '2026-12-02T10:00:00.000Z',
  version: 3,
  sequence: 0,
} as const satisfies OrganiserMeetingBody;

const publicUtrecht = {
  id: utrecht.meetingId,
  status: utrecht.status,
  title: utrecht.title,
  description: utrecht.description,
  city: utrecht.city,
  venueAddress: utrecht.venueAddress,
  startsAt: utrecht.startsAt,
  endsAt: utrecht.endsAt,
  capacity: utrecht.capacity,
  placesLeft: 18,
  waitingListEnabled: true,
  registration: {
    opensAt: utrecht.registrationOpensAt,
    closesAt: utrecht.registrationClosesAt,
    state: 'open',
  },
  questions: utrecht.questions,
  slug: utrecht.slug,
} as const satisfies PublicMeetingBody;

/** One realistic answer per schema: the document and the docs page show them, the contract test checks them. */
export const meetingExamples = {
  publicMeeting: publicUtrecht,
  publicMeetingList: { items: [publicUtrecht] },
  organiserMeeting: utrecht,
  organiserMeetingList: { items: [utrecht], nextCursor: null },
  organiserRegistrationOutcome: {
    status: 'confirmed',
    position: null,
    already: false,
    registrationId: '01jf4a2b3c4d5e6f7g8h9j0k1m',
  },
  registrationRequested: {
    status: 'requested',
    detail: 'Check je mail: bevestig je aanmelding met de link in de e-mail die we je sturen.',
  },
} satisfies Record<string, unknown>;
