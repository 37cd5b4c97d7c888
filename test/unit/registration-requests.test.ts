import { beforeEach, describe, expect, it } from 'vitest';
import type { RegistrationRequestedJob } from '../../functions/core/mailings/outbox';
import { MeetingFull, registerForMeeting } from '../../functions/core/meetings/registration';
import {
  confirmRegistration,
  pendingKey,
  RequestExpired,
  registerOrRequest,
  requestRegistration,
  runRegistrationRequest,
} from '../../functions/core/meetings/registration-requests';
import { mailsPerAddressPerHour } from '../../functions/core/people/mail-rate';
import { PersonIds } from '../../functions/core/people/person-id';
import { FixedClock, InMemoryMeetings, SequentialIds } from '../support/in-memory-ports';
import { meetingFixture, registrationRequestFixture } from '../support/meeting-fixtures';

const meetingId = 'kennisnetwerk-groningen-halt';
const personIds = new PersonIds('unit-test-secret-unit-test-secret-0123456789');
const request = registrationRequestFixture;

let store: InMemoryMeetings;
let clock: FixedClock;
let ports: { store: InMemoryMeetings; clock: FixedClock; ids: SequentialIds; personIds: PersonIds };

beforeEach(() => {
  store = new InMemoryMeetings();
  clock = new FixedClock(new Date('2027-01-05T09:00:00Z'));
  ports = { store, clock, ids: new SequentialIds(), personIds };
  store.meetings.set(meetingId, meetingFixture({ capacity: 2, confirmedCount: 0 }));
});

/** Runs every registration-requested job written so far, as the delivery would (after the commit). */
const runJobs = async () => {
  for (const { job } of store.jobs.splice(0)) {
    if (job.kind === 'registration-requested')
      await runRegistrationRequest(ports, job as RegistrationRequestedJob);
  }
};

const keyOf = (email: string) => pendingKey(meetingId, personIds.of(email));

describe('asking to register', () => {
  it('holds no seat and counts nowhere until the mailed link is confirmed', async () => {
    await requestRegistration(ports, meetingId, request('sam@example.org'));
    await runJobs();

    expect(store.meetings.get(meetingId)).toMatchObject({ confirmedCount: 0, waitingCount: 0 });
    expect(store.registrations.size).toBe(0);
    expect(store.outbox.map((mail) => [mail.kind, mail.recipient.address])).toEqual([
      ['registration-request-confirm', 'sam@example.org'],
    ]);
  });

  it('decides the mail after the commit: a known address gets its registration again, a new one a link', async () => {
    await registerForMeeting(ports, meetingId, request('seated@example.org'));
    store.outbox.splice(0);

    await requestRegistration(ports, meetingId, request('seated@example.org'));
    await requestRegistration(ports, meetingId, request('new@example.org'));
    expect(store.outbox).toEqual([]);
    await runJobs();

    expect(store.outbox.map((mail) => [mail.kind, mail.recipient.address])).toEqual([
      ['registration-confirmed', 'seated@example.org'],
      ['registration-request-confirm', 'new@example.org'],
    ]);
  });

  it('mails at most the hourly share per address', async () => {
    for (let i = 0; i <= mailsPerAddressPerHour; i++) {
      await requestRegistration(ports, meetingId, request('sam@example.org'));
      await runJobs();
    }

    expect(store.outbox).toHaveLength(mailsPerAddressPerHour);
  });

  it('mails once when its job runs twice', async () => {
    await requestRegistration(ports, meetingId, request('sam@example.org'));
    const [written] = store.jobs;

    await runJobs();
    await runRegistrationRequest(ports, written?.job as RegistrationRequestedJob);

    expect(store.outbox).toHaveLength(1);
  });

  it('still mails when another mail of the same person takes the mail rate between its read and its write', async () => {
    await requestRegistration(ports, meetingId, request('sam@example.org'));
    const personId = personIds.of('sam@example.org');
    store.beforeCommit = () => {
      // Another meeting's request (or a subscription) of the same person was mailed at this moment.
      store.mailRates.set(personId, { sentAt: [clock.now().getTime()], version: 1 });
    };

    await runJobs();

    expect(store.outbox.map((mail) => mail.kind)).toEqual(['registration-request-confirm']);
  });

  it('lets the newest request win: an older job mails nothing', async () => {
    await requestRegistration(ports, meetingId, request('sam@example.org', { name: 'Eerst' }));
    await requestRegistration(ports, meetingId, request('sam@example.org', { name: 'Later' }));
    await runJobs();

    expect(store.outbox.map((mail) => mail.recipient.name)).toEqual(['Later']);
  });
});

describe('confirming from the mail', () => {
  it('takes a seat, then a waiting place once full, and says what is stored', async () => {
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) {
      await requestRegistration(ports, meetingId, request(email));
    }

    const outcomes = [];
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) {
      outcomes.push(await confirmRegistration(ports, keyOf(email)));
    }

    expect(outcomes.map(({ status, position }) => [status, position])).toEqual([
      ['confirmed', undefined],
      ['confirmed', undefined],
      ['waiting', 1],
    ]);
    expect(store.pending.size).toBe(0);
  });

  it('changes nothing when confirmed twice', async () => {
    await requestRegistration(ports, meetingId, request('sam@example.org'));
    await confirmRegistration(ports, keyOf('sam@example.org'));

    const again = await confirmRegistration(ports, keyOf('sam@example.org'));

    expect(again).toMatchObject({ status: 'confirmed', already: true });
    expect(store.meetings.get(meetingId)?.confirmedCount).toBe(1);
    expect(store.outbox.filter((mail) => mail.kind === 'registration-confirmed')).toHaveLength(1);
  });

  it('refuses an expired request, and takes nothing when full without a waiting list', async () => {
    await requestRegistration(ports, meetingId, request('late@example.org'));
    clock.advance(24 * 3600 + 1);
    await expect(confirmRegistration(ports, keyOf('late@example.org'))).rejects.toBeInstanceOf(
      RequestExpired,
    );

    clock.advance(-(24 * 3600 + 1));
    const noList = { capacity: 1, waitingListEnabled: false };
    store.meetings.set(meetingId, meetingFixture({ ...noList, confirmedCount: 0 }));
    await requestRegistration(ports, meetingId, request('full@example.org'));
    // The last seat goes to someone else before the link is confirmed.
    store.meetings.set(meetingId, meetingFixture({ ...noList, confirmedCount: 1 }));
    await expect(confirmRegistration(ports, keyOf('full@example.org'))).rejects.toBeInstanceOf(MeetingFull);
    expect(store.registrations.size).toBe(0);
    // Asking when it is full without a waiting list is refused at once: a fact of the meeting, not the address.
    await expect(requestRegistration(ports, meetingId, request('later@example.org'))).rejects.toBeInstanceOf(
      MeetingFull,
    );
  });

  it('expires a request when registration closes, if that is sooner than a day', async () => {
    store.meetings.set(meetingId, meetingFixture({ registrationClosesAt: '2027-01-05T12:00:00.000Z' }));
    await requestRegistration(ports, meetingId, request('sam@example.org'));

    expect((await store.getPending(meetingId, personIds.of('sam@example.org')))?.expiresAt).toBe(
      '2027-01-05T12:00:00.000Z',
    );
  });
});

describe('registering from an invitation', () => {
  it('takes the seat at once for the invited person, and asks anyone else to confirm by mail', async () => {
    const invited = personIds.of('sam@example.org');

    const taken = await registerOrRequest(ports, meetingId, request('Sam@Example.org'), invited);
    const other = await registerOrRequest(ports, meetingId, request('iemand@example.org'), invited);
    const none = await registerOrRequest(ports, meetingId, request('niemand@example.org'), undefined);

    expect(taken).toMatchObject({ status: 'confirmed' });
    expect([other, none]).toEqual([undefined, undefined]);
    expect(store.meetings.get(meetingId)?.confirmedCount).toBe(1);
    expect(store.pending.size).toBe(2);
  });
});
