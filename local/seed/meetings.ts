import { amsterdamInstant, amsterdamLocalParts } from '../../functions/core/amsterdam-time';
import type { MeetingLifecycleStore } from '../../functions/core/meetings/lifecycle';
import type { Meeting, MeetingQuestions } from '../../functions/core/meetings/model';
import { ConcurrentChange } from '../../functions/core/ports';

/**
 * The meetings of the travelling knowledge network, transcribed from the 2024 year update: the five of 2024
 * (Utrecht, Nijmegen, Dordrecht, Amsterdam, Bergen op Zoom) as past meetings, with the themes the update
 * names, and the two it announces (Groningen with HALT, Eindhoven on the online world of young people) as
 * upcoming meetings open for registration, dated relative to the first start. Venues are fictional.
 */

const allQuestions: MeetingQuestions = { organisation: true, role: true, municipality: true, needs: true };

const day = 24 * 3600 * 1000;

interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** 13.30–16.30 Amsterdam time: the network meets in the afternoon. */
const afternoon = (date: LocalDate) => ({
  startsAt: amsterdamInstant({ ...date, hour: 13, minute: 30 }),
  endsAt: amsterdamInstant({ ...date, hour: 16, minute: 30 }),
});

interface DemoMeeting {
  readonly meetingId: string;
  readonly title: string;
  readonly description: string;
  readonly city: string;
  readonly venueAddress: string;
  readonly date: LocalDate;
  readonly capacity: number;
}

const past2024: readonly DemoMeeting[] = [
  {
    meetingId: 'kennisnetwerk-2024-utrecht',
    title: 'Kennisnetwerk Utrecht: jongerenwerkers op school',
    description:
      'Steeds meer jongerenwerkers hebben een vaste plek in en om de school. Wat levert dat op voor de preventie van criminaliteit, en hoe werk je samen met docenten, mentoren en zorgcoördinatoren zonder je eigen rol te verliezen?\n\nJongerenwerkers uit Utrecht vertellen over hun praktijk; daarna wissel je in kleine groepen ervaringen uit.',
    city: 'Utrecht',
    venueAddress: 'Wijkcentrum De Wissel, Stationsstraat 12',
    date: { year: 2024, month: 2, day: 15 },
    capacity: 120,
  },
  {
    meetingId: 'kennisnetwerk-2024-nijmegen',
    title: 'Kennisnetwerk Nijmegen: intensieve begeleiding naar arbeid',
    description:
      'Werk geeft jongeren perspectief, en perspectief is een van de sterkste beschermende factoren. In Nijmegen kijken we naar intensieve begeleiding naar arbeid: hoe bouwt een jongerenwerker samen met werkgevers en het werkgeversservicepunt een traject dat standhoudt?\n\nMet praktijkvoorbeelden en een gesprek over wat er nodig is om dit werk vol te houden.',
    city: 'Nijmegen',
    venueAddress: 'Jongerencentrum De Waalkade, Havenweg 3',
    date: { year: 2024, month: 4, day: 16 },
    capacity: 100,
  },
  {
    meetingId: 'kennisnetwerk-2024-dordrecht',
    title: 'Kennisnetwerk Dordrecht: ervaringskennis in criminaliteitspreventie',
    description:
      'Wie zelf de verleiding van criminaliteit heeft gekend, ziet dingen die anderen missen. In Dordrecht gaat het over het belang van ervaringskennis: hoe zet je ervaringsdeskundigen in binnen het jongerenwerk, en wat vraagt dat van de organisatie?\n\nJe gaat in gesprek met ervaringsdeskundigen en jongerenwerkers die al samenwerken.',
    city: 'Dordrecht',
    venueAddress: 'Buurtcentrum De Merwe, Kade 21',
    date: { year: 2024, month: 6, day: 20 },
    capacity: 90,
  },
  {
    meetingId: 'kennisnetwerk-2024-amsterdam',
    title: 'Kennisnetwerk Amsterdam: jonge aanwas voorkomen',
    description:
      'Wat verstaan we onder jonge aanwas, welke risico- en beschermende factoren spelen mee, en wat weten we over de rol van het jongerenwerk en het straathoekwerk daarin? Onderzoekers van de Hogeschool van Amsterdam delen wat het literatuuronderzoek oplevert.\n\nDaarna toetsen we de inzichten aan de praktijk van de deelnemers.',
    city: 'Amsterdam',
    venueAddress: 'Huis van de Buurt De Brug, Brugstraat 40',
    date: { year: 2024, month: 10, day: 8 },
    capacity: 150,
  },
  {
    meetingId: 'kennisnetwerk-2024-bergen-op-zoom',
    title: 'Kennisnetwerk Bergen op Zoom: zonder vertrouwen kom je niet binnen',
    description:
      'In alle regio’s noemen jongerenwerkers de betekenisrelatie met jongeren als een grote werkzame factor in preventief werken. In Bergen op Zoom staan we stil bij die relatie: hoe bouw je vertrouwen op, en hoe houd je het vast als je ook signalen moet delen met partners?\n\nWe sluiten het jaar af met een vooruitblik op 2025.',
    city: 'Bergen op Zoom',
    venueAddress: 'Jongerencentrum Het Markiezaat, Boulevard 7',
    date: { year: 2024, month: 11, day: 28 },
    capacity: 80,
  },
];

/** `weeksAfterPrevious`: after the first start for the first one, after the one before it for the next. */
const upcoming: readonly (Omit<DemoMeeting, 'date'> & { readonly weeksAfterPrevious: number })[] = [
  {
    meetingId: 'kennisnetwerk-groningen-halt',
    title: 'Kennisnetwerk Groningen: uitwisseling met HALT',
    description:
      'Jongerenwerk en HALT zien vaak dezelfde jongeren, op verschillende momenten. In Groningen organiseren we samen met HALT een uitwisseling: wat doet HALT na een eerste delict, wat doet het jongerenwerk ervoor en erna, en hoe sluiten we beter op elkaar aan?\n\nVoor jongerenwerkers, hun managers en beleidsmedewerkers van gemeenten. Je gaat in gemengde groepen aan de slag met casussen uit de regio.',
    city: 'Groningen',
    venueAddress: 'Buurtcentrum De Oosterpoort, Poortstraat 18',
    weeksAfterPrevious: 3,
    capacity: 60,
  },
  {
    meetingId: 'kennisnetwerk-eindhoven-online',
    title: 'Kennisnetwerk Eindhoven: de online leefwereld van jongeren',
    description:
      'Veel van wat jongeren meemaken, gebeurt online: ronselen, dreigen en opscheppen op sociale media. In Eindhoven verdiepen we ons in de signalerende rol van het jongerenwerk in de online leefwereld van jongeren.\n\nWe bespreken de routekaart Samenwerken bij online jeugdcriminaliteit: welke afspraken maak je met politie en gemeente over zorgwekkende online berichten, en wat doe je zelf?',
    city: 'Eindhoven',
    venueAddress: 'Jongerencentrum De Fabriek, Lichtstraat 5',
    weeksAfterPrevious: 3,
    capacity: 150,
  },
];

const toLocalDate = (utcMidnight: Date): LocalDate => ({
  year: utcMidnight.getUTCFullYear(),
  month: utcMidnight.getUTCMonth() + 1,
  day: utcMidnight.getUTCDate(),
});

/** The Christmas break (19 December to 4 January): nobody plans a network meeting in it. */
const inChristmasBreak = ({ month, day: date }: LocalDate): boolean =>
  (month === 12 && date >= 19) || (month === 1 && date <= 4);

/**
 * The first Thursday at least `weeks` weeks after the Amsterdam date of `from`, outside the Christmas break:
 * the network meets on weekdays, and a demo meeting on Christmas Eve would look odd.
 */
const thursdayAfter = (from: Date | LocalDate, weeks: number): LocalDate => {
  const start = from instanceof Date ? amsterdamLocalParts(from) : from;
  let date = new Date(Date.UTC(start.year, start.month - 1, start.day) + weeks * 7 * day);
  date = new Date(date.getTime() + ((4 - date.getUTCDay() + 7) % 7) * day);
  while (inChristmasBreak(toLocalDate(date))) date = new Date(date.getTime() + 7 * day);
  return toLocalDate(date);
};

/** Groningen about three weeks after the first start, Eindhoven three weeks after Groningen. */
const upcomingDates = (firstStart: Date): DemoMeeting[] => {
  let previous: Date | LocalDate = firstStart;
  return upcoming.map(({ weeksAfterPrevious, ...meeting }) => {
    const date = thursdayAfter(previous, weeksAfterPrevious);
    previous = date;
    return { ...meeting, date };
  });
};

const common = {
  status: 'published',
  waitingListEnabled: true,
  reminderLeadHours: 48,
  questions: allQuestions,
  confirmedCount: 0,
  waitingCount: 0,
  version: 1,
  sequence: 0,
} as const;

/**
 * The demo meetings, ids stable so seeding twice creates nothing new. The past ones had their registration
 * open for eight weeks up to two days before; the upcoming ones opened a week before `firstStart`.
 */
export const demoMeetings = (firstStart: Date): Meeting[] => [
  ...past2024.map(({ date, ...meeting }): Meeting => {
    const { startsAt, endsAt } = afternoon(date);
    const opensAt = new Date(startsAt.getTime() - 8 * 7 * day).toISOString();
    return {
      ...meeting,
      ...common,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      registrationOpensAt: opensAt,
      registrationClosesAt: new Date(startsAt.getTime() - 2 * day).toISOString(),
      createdAt: opensAt,
      updatedAt: opensAt,
      publishedAt: opensAt,
    };
  }),
  ...upcomingDates(firstStart).map(({ date, ...meeting }): Meeting => {
    const { startsAt, endsAt } = afternoon(date);
    const createdAt = new Date(firstStart.getTime() - 7 * day).toISOString();
    return {
      ...meeting,
      ...common,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      registrationOpensAt: createdAt,
      registrationClosesAt: new Date(startsAt.getTime() - 2 * day).toISOString(),
      createdAt,
      updatedAt: createdAt,
      publishedAt: createdAt,
    };
  }),
];

/** Creates the demo meetings that are not there yet; a meeting that exists (an earlier seed) is left alone. */
export const seedMeetings = async (
  store: Pick<MeetingLifecycleStore, 'createMeeting'>,
  firstStart: Date,
): Promise<void> => {
  for (const meeting of demoMeetings(firstStart)) {
    try {
      await store.createMeeting(meeting);
    } catch (error) {
      if (!(error instanceof ConcurrentChange)) throw error;
    }
  }
};
