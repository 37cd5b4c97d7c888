import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidInput, NotFound } from '../../functions/core/errors';
import {
  MeetingFull,
  RegistrationClosed,
  type RegistrationPorts,
  registerForMeeting,
} from '../../functions/core/meetings/registration';
import { PersonIds } from '../../functions/core/people/person-id';
import { FixedClock, InMemoryMeetings, SequentialIds } from '../support/in-memory-ports';
import { meetingFixture, registrationRequestFixture } from '../support/meeting-fixtures';

const secret = 'unit-test-secret-unit-test-secret-0123456789';
const meetingId = 'kennisnetwerk-groningen-halt';
const request = registrationRequestFixture;

let store: InMemoryMeetings;
let ports: RegistrationPorts;

beforeEach(() => {
  store = new InMemoryMeetings();
  ports = {
    store,
    clock: new FixedClock(new Date('2027-01-05T09:00:00Z')),
    ids: new SequentialIds(),
    personIds: new PersonIds(secret),
  };
});

const seed = (overrides: Parameters<typeof meetingFixture>[0] = {}) =>
  store.meetings.set(meetingId, meetingFixture({ confirmedCount: 0, capacity: 2, ...overrides }));

describe('registering for a meeting', () => {
  it('confirms while a seat is free, with the counters and the confirmation in the same change', async () => {
    seed();

    const outcome = await registerForMeeting(ports, meetingId, request('  Sam@Example.org '));

    expect(outcome).toMatchObject({ status: 'confirmed' });
    expect(store.meetings.get(meetingId)?.confirmedCount).toBe(1);
    const [row] = await store.listRegistrations(meetingId);
    expect(row?.registration).toMatchObject({ email: 'sam@example.org', status: 'confirmed' });
    expect(store.outbox.map((mail) => [mail.kind, mail.recipient.address])).toEqual([
      ['registration-confirmed', 'sam@example.org'],
    ]);
  });

  it('puts people on the waiting list in order once the seats are taken, and refuses without a list', async () => {
    seed({ capacity: 1 });

    await registerForMeeting(ports, meetingId, request('a@example.org'));
    const second = await registerForMeeting(ports, meetingId, request('b@example.org'));
    const third = await registerForMeeting(ports, meetingId, request('c@example.org'));

    expect([second, third]).toMatchObject([
      { status: 'waiting', position: 1 },
      { status: 'waiting', position: 2 },
    ]);
    expect(store.meetings.get(meetingId)).toMatchObject({ confirmedCount: 1, waitingCount: 2 });
    expect(store.outbox.map((mail) => mail.kind)).toEqual([
      'registration-confirmed',
      'registration-waiting',
      'registration-waiting',
    ]);

    store.meetings.set(meetingId, {
      ...(store.meetings.get(meetingId) ?? meetingFixture()),
      waitingListEnabled: false,
    });
    await expect(registerForMeeting(ports, meetingId, request('d@example.org'))).rejects.toBeInstanceOf(
      MeetingFull,
    );
  });

  it('decides again when the last seat went between its read and its write: waiting, never overbooked', async () => {
    seed({ capacity: 1 });
    store.beforeCommit = () => {
      const meeting = store.meetings.get(meetingId);
      if (meeting) store.meetings.set(meetingId, { ...meeting, confirmedCount: 1 });
    };

    const outcome = await registerForMeeting(ports, meetingId, request('late@example.org'));

    expect(outcome).toMatchObject({ status: 'waiting', position: 1 });
    expect(store.meetings.get(meetingId)).toMatchObject({ confirmedCount: 1, waitingCount: 1 });
  });

  it('answers a second registration with the one that stands, and changes nothing', async () => {
    seed();
    await registerForMeeting(ports, meetingId, request('sam@example.org'));

    const again = await registerForMeeting(ports, meetingId, request('SAM@example.org'));

    expect(again).toMatchObject({ status: 'confirmed', already: true });
    expect(store.meetings.get(meetingId)?.confirmedCount).toBe(1);
    expect(store.outbox.filter((mail) => mail.kind === 'registration-confirmed')).toHaveLength(1);
  });

  it('lets an admin add a seat to a full meeting: the capacity grows with it', async () => {
    seed({ capacity: 1, waitingListEnabled: false });
    await registerForMeeting(ports, meetingId, request('a@example.org'));
    await expect(registerForMeeting(ports, meetingId, request('b@example.org'))).rejects.toBeInstanceOf(
      MeetingFull,
    );

    const added = await registerForMeeting(ports, meetingId, request('b@example.org'), {
      overCapacity: true,
    });

    expect(added).toMatchObject({ status: 'confirmed' });
    expect(store.meetings.get(meetingId)).toMatchObject({ capacity: 2, confirmedCount: 2 });
  });

  it('requires the answers the meeting asks, and keeps the needs only when asked', async () => {
    seed();
    await expect(
      registerForMeeting(ports, meetingId, request('a@example.org', { answers: {} })),
    ).rejects.toBeInstanceOf(InvalidInput);

    await registerForMeeting(
      ports,
      meetingId,
      request('b@example.org', { needs: { dietary: 'vegetarisch' } }),
    );
    store.meetings.set(meetingId, {
      ...(store.meetings.get(meetingId) ?? meetingFixture()),
      questions: { organisation: true, role: true, municipality: true, needs: false },
    });
    await registerForMeeting(ports, meetingId, request('c@example.org', { needs: { dietary: 'halal' } }));

    const rows = await store.listRegistrations(meetingId);
    expect(rows.map((row) => ['email' in row.registration && row.registration.email, row.needs])).toEqual(
      expect.arrayContaining([
        ['b@example.org', { dietary: 'vegetarisch' }],
        ['c@example.org', undefined],
      ]),
    );
  });

  it('refuses a draft, a cancelled meeting, and a closed registration window', async () => {
    seed({ status: 'draft' });
    await expect(registerForMeeting(ports, meetingId, request('a@example.org'))).rejects.toBeInstanceOf(
      NotFound,
    );
    seed({ status: 'cancelled', publishedAt: '2026-12-01T00:00:00.000Z' });
    await expect(registerForMeeting(ports, meetingId, request('a@example.org'))).rejects.toBeInstanceOf(
      RegistrationClosed,
    );
    seed({ registrationClosesAt: '2027-01-05T08:00:00.000Z' });
    await expect(registerForMeeting(ports, meetingId, request('a@example.org'))).rejects.toBeInstanceOf(
      RegistrationClosed,
    );
    expect(store.outbox).toEqual([]);
  });
});
