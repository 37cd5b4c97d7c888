import { describe, expect, it } from 'vitest';
import {
  type MeetingPersonalData,
  type PastMeeting,
  type RegistrationRetentionStore,
  removePersonalDataOfPastMeetings,
} from '../../functions/core/meetings/registration-retention';
import {
  defaultRegistrationRetentionDays,
  registrationRetentionCutoff,
} from '../../functions/core/retention';
import { FixedClock } from '../support/in-memory-ports';

const day = 24 * 3600_000;
const now = new Date('2027-06-01T01:30:00.000Z');

/** The store's side of a run, as a log of what was written, in order. */
class RecordingStore implements RegistrationRetentionStore {
  readonly writes: string[] = [];
  readonly marked = new Set<string>();
  constructor(
    private readonly meetings: PastMeeting[],
    private readonly data: MeetingPersonalData = {
      registrations: ['p1', 'p2'],
      needs: ['p1'],
      waitingPlaces: ['w1'],
    },
  ) {}
  async pastMeetingsWithPersonalData(startedBefore: Date) {
    this.writes.push(`query ${startedBefore.toISOString()}`);
    return this.meetings.filter((meeting) => !this.marked.has(meeting.meetingId));
  }
  async personalDataOf() {
    return this.data;
  }
  async anonymiseRegistration(meetingId: string, personId: string) {
    this.writes.push(`anonymise ${meetingId} ${personId}`);
  }
  async deleteNeeds(meetingId: string, personId: string) {
    this.writes.push(`needs ${meetingId} ${personId}`);
  }
  async deleteWaitingPlace(meetingId: string, waitingKey: string) {
    this.writes.push(`waiting ${meetingId} ${waitingKey}`);
  }
  async markPersonalDataRemoved(meetingId: string) {
    this.writes.push(`mark ${meetingId}`);
    this.marked.add(meetingId);
  }
}

const ended = (meetingId: string, daysAgo: number): PastMeeting => ({
  meetingId,
  endsAt: new Date(now.getTime() - daysAgo * day).toISOString(),
});

describe('removing the personal data of past meetings', () => {
  it('takes meetings that ended before the cutoff, marks each only after its registrations, and skips it next time', async () => {
    // Started before the cutoff but ended after it: not yet.
    const store = new RecordingStore([ended('oud', 91), ended('net-niet', 89.99)]);
    const ports = { store, clock: new FixedClock(now), retentionDays: defaultRegistrationRetentionDays };

    const first = await removePersonalDataOfPastMeetings(ports);

    expect(first).toEqual({
      cutoff: '2027-03-03T01:30:00.000Z',
      meetings: 1,
      registrations: 2,
      waitingPlaces: 1,
      needs: 1,
      unfinished: false,
    });
    expect(store.writes).toEqual([
      'query 2027-03-03T01:30:00.000Z',
      'anonymise oud p1',
      'anonymise oud p2',
      'waiting oud w1',
      'needs oud p1',
      'mark oud',
    ]);
    expect(await removePersonalDataOfPastMeetings(ports)).toMatchObject({ meetings: 0, registrations: 0 });
  });

  it('counts the period in days from the configured setting', () => {
    expect(registrationRetentionCutoff(now, 30).toISOString()).toBe('2027-05-02T01:30:00.000Z');
  });

  it('leaves the meetings it has no time for to the next run', async () => {
    const store = new RecordingStore([ended('a', 100), ended('b', 100)]);
    const run = await removePersonalDataOfPastMeetings(
      { store, clock: new FixedClock(now), retentionDays: 90 },
      new Date(now.getTime() - 1),
    );
    expect(run).toMatchObject({ meetings: 0, unfinished: true });
    expect(store.writes.filter((write) => !write.startsWith('query'))).toEqual([]);
  });
});
