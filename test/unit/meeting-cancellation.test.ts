import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidToken } from '../../functions/core/errors';
import {
  type CancellationPorts,
  cancelRegistration,
  registrationForCancelLink,
} from '../../functions/core/meetings/cancellation';
import { cancelTokenId } from '../../functions/core/meetings/mail-data';
import type { Registration } from '../../functions/core/meetings/model';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { FixedClock, InMemoryMeetings, SequentialIds } from '../support/in-memory-ports';
import { meetingFixture, registrationFixture } from '../support/meeting-fixtures';

const secret = 'unit-test-secret-unit-test-secret-0123456789';
const meetingId = 'kennisnetwerk-groningen-halt';

let store: InMemoryMeetings;
let ports: CancellationPorts;

/** Stores a registration as registering would have: with its waiting place when waiting. */
const stored = (registration: Registration): Registration => {
  store.registrations.set(`${registration.meetingId}/${registration.personId}`, registration);
  if (registration.status === 'waiting')
    store.waiting.set(`${registration.meetingId}/${registration.waitingKey}`, registration.personId);
  return registration;
};

const linkFor = (registration: Registration) =>
  ports.tokens.sign('cancel-registration', cancelTokenId(registration), { ttlSeconds: 3600 });

beforeEach(() => {
  store = new InMemoryMeetings();
  const clock = new FixedClock(new Date('2027-01-05T09:00:00Z'));
  ports = { store, clock, ids: new SequentialIds(), tokens: new TokenSigner(fixedLinkKeys(secret), clock) };
  store.meetings.set(meetingId, meetingFixture({ capacity: 1, confirmedCount: 1, waitingCount: 2 }));
});

describe('cancelling a registration', () => {
  it('hands the seat to the first person waiting, with both mails, in one change', async () => {
    const sam = stored(registrationFixture({ personId: 'sam', registrationId: 'reg-sam' }));
    stored(
      registrationFixture({
        personId: 'lale',
        status: 'waiting',
        waitingKey: 'W2',
        email: 'lale@example.org',
      }),
    );
    stored(
      registrationFixture({ personId: 'jip', status: 'waiting', waitingKey: 'W1', email: 'jip@example.org' }),
    );

    const { outcome } = await cancelRegistration(ports, linkFor(sam));

    expect(outcome).toBe('cancelled');
    expect(store.meetings.get(meetingId)).toMatchObject({ confirmedCount: 1, waitingCount: 1 });
    expect((await store.getRegistration(meetingId, 'sam'))?.status).toBe('cancelled');
    expect((await store.getRegistration(meetingId, 'jip'))?.status).toBe('confirmed');
    expect(await store.waitingPosition(meetingId, 'W2')).toBe(1);
    expect(store.outbox.map((mail) => [mail.kind, mail.recipient.personId])).toEqual([
      ['registration-promoted', 'jip'],
      ['registration-cancelled', 'sam'],
    ]);
  });

  it('is refused once the meeting is over: nobody is promoted to the past, nothing changes', async () => {
    const sam = stored(registrationFixture({ personId: 'sam', registrationId: 'reg-sam' }));
    stored(
      registrationFixture({ personId: 'jip', status: 'waiting', waitingKey: 'W1', email: 'jip@example.org' }),
    );
    // The meeting ended on 4 January; the clock stands at the 5th.
    store.meetings.set(
      meetingId,
      meetingFixture({
        capacity: 1,
        confirmedCount: 1,
        waitingCount: 1,
        startsAt: '2027-01-04T12:30:00.000Z',
        endsAt: '2027-01-04T15:30:00.000Z',
      }),
    );

    await expect(cancelRegistration(ports, linkFor(sam))).rejects.toMatchObject({
      code: 'meeting-over',
      message: expect.stringContaining('al voorbij'),
    });
    expect((await store.getRegistration(meetingId, 'sam'))?.status).toBe('confirmed');
    expect((await store.getRegistration(meetingId, 'jip'))?.status).toBe('waiting');
    expect(store.outbox).toEqual([]);
  });

  it('does nothing the second time', async () => {
    const sam = stored(registrationFixture({ personId: 'sam' }));
    store.meetings.set(meetingId, meetingFixture({ capacity: 1, confirmedCount: 1, waitingCount: 0 }));
    await cancelRegistration(ports, linkFor(sam));

    const { outcome } = await cancelRegistration(ports, linkFor(sam));

    expect(outcome).toBe('already-cancelled');
    expect(store.outbox).toHaveLength(1);
    expect(store.meetings.get(meetingId)?.confirmedCount).toBe(0);
  });

  it('leaves a waiting place without a calendar cancel, and drops the needs', async () => {
    const jip = stored(registrationFixture({ personId: 'jip', status: 'waiting', waitingKey: 'W1' }));
    store.needs.set(`${meetingId}/jip`, { dietary: 'vegetarisch' });

    await cancelRegistration(ports, linkFor(jip));

    expect(store.meetings.get(meetingId)).toMatchObject({ confirmedCount: 1, waitingCount: 1 });
    expect(store.waiting.size).toBe(0);
    expect(store.needs.size).toBe(0);
    expect(store.outbox.map((mail) => [mail.kind, mail.data.calendar])).toEqual([
      ['registration-cancelled', 'none'],
    ]);
  });

  it('refuses the link of an earlier registration of the same person', async () => {
    const earlier = registrationFixture({ personId: 'sam', registrationId: 'reg-old' });
    stored(registrationFixture({ personId: 'sam', registrationId: 'reg-new', version: 3 }));

    await expect(registrationForCancelLink(ports, linkFor(earlier))).rejects.toBeInstanceOf(InvalidToken);
    await expect(cancelRegistration(ports, linkFor(earlier))).rejects.toBeInstanceOf(InvalidToken);
    expect(store.outbox).toEqual([]);
  });
});
