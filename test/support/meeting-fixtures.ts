import type { Meeting, Registration } from '../../functions/core/meetings/model';
import type { RegistrationRequest } from '../../functions/core/meetings/registration';

/**
 * A published meeting in Groningen on Thursday 14 January 2027, 13.30–16.30 Amsterdam time, open for
 * registration, with every question asked. Tests override what they rely on.
 */
export const meetingFixture = (overrides: Partial<Meeting> = {}): Meeting => ({
  meetingId: 'kennisnetwerk-groningen-halt',
  title: 'Kennisnetwerk Groningen: uitwisseling met HALT',
  description: 'Jongerenwerk en HALT zien dezelfde jongeren.\n\nOp verschillende momenten.',
  city: 'Groningen',
  venueAddress: 'Buurtcentrum De Oosterpoort, Poortstraat 18',
  startsAt: '2027-01-14T12:30:00.000Z',
  endsAt: '2027-01-14T15:30:00.000Z',
  capacity: 60,
  registrationOpensAt: '2027-01-01T00:00:00.000Z',
  registrationClosesAt: '2027-01-12T12:30:00.000Z',
  waitingListEnabled: true,
  reminderLeadHours: 48,
  questions: { organisation: true, role: true, municipality: true, needs: true },
  status: 'published',
  confirmedCount: 12,
  waitingCount: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 1,
  sequence: 0,
  ...overrides,
});

/** Sam de Vries, confirmed for the fixture meeting, registered on 4 January 2027 at 10.00 Amsterdam time. */
export const registrationFixture = (overrides: Partial<Registration> = {}): Registration => ({
  meetingId: 'kennisnetwerk-groningen-halt',
  personId: 'person-7f3a',
  registrationId: 'reg-01JH',
  email: 'sam.devries@example.org',
  name: 'Sam de Vries',
  answers: {},
  status: 'confirmed',
  registeredAt: '2027-01-04T09:00:00.000Z',
  version: 1,
  ...overrides,
});

/** Puts `personId`'s registration (id `reg-<personId>`) for the meeting into an in-memory store, as a given. */
export const putRegistration = (
  store: { readonly registrations: Map<string, Registration> },
  meetingId: string,
  personId: string,
  overrides: Partial<Registration> = {},
): void => {
  store.registrations.set(
    `${meetingId}/${personId}`,
    registrationFixture({ meetingId, personId, registrationId: `reg-${personId}`, ...overrides }),
  );
};

/** What someone fills in to register for the fixture meeting (every question it asks answered). */
export const registrationRequestFixture = (
  email: string,
  overrides: Partial<RegistrationRequest> = {},
): RegistrationRequest => ({
  email,
  name: 'Deelnemer',
  answers: { organisation: 'Jongerenwerk', role: 'manager', municipality: 'Groningen' },
  ...overrides,
});
