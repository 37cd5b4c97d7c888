import { describe, expect, it } from 'vitest';
import { amsterdamLocalParts } from '../../functions/core/amsterdam-time';
import { type Meeting, registrationWindow } from '../../functions/core/meetings/model';
import { ConcurrentChange } from '../../functions/core/ports';
import { demoMeetings, seedMeetings } from '../../local/seed/meetings';

const firstStart = new Date('2027-03-01T08:00:00Z');

/** Only createMeeting, with the store's rule: a second create of the same id is a ConcurrentChange. */
class CreatingStore {
  readonly meetings = new Map<string, Meeting>();
  async createMeeting(meeting: Meeting): Promise<void> {
    if (this.meetings.has(meeting.meetingId)) throw new ConcurrentChange();
    this.meetings.set(meeting.meetingId, meeting);
  }
}

describe('the demo meetings', () => {
  it('are the five 2024 meetings as past ones and Groningen and Eindhoven as upcoming ones', () => {
    const meetings = demoMeetings(firstStart);

    expect(
      meetings.map((m) => [m.city, Date.parse(m.endsAt) < firstStart.getTime() ? 'past' : 'upcoming']),
    ).toEqual([
      ['Utrecht', 'past'],
      ['Nijmegen', 'past'],
      ['Dordrecht', 'past'],
      ['Amsterdam', 'past'],
      ['Bergen op Zoom', 'past'],
      ['Groningen', 'upcoming'],
      ['Eindhoven', 'upcoming'],
    ]);
    expect(meetings.filter((m) => m.startsAt.startsWith('2024-'))).toHaveLength(5);
    expect(new Set(meetings.map((m) => m.meetingId)).size).toBe(7);
    expect(meetings.every((m) => m.status === 'published' && m.confirmedCount === 0 && m.version === 1)).toBe(
      true,
    );
  });

  it('have upcoming meetings open for registration at the first start, in the afternoon in Amsterdam', () => {
    const upcoming = demoMeetings(firstStart).slice(5);

    for (const meeting of upcoming) {
      expect(registrationWindow(meeting, firstStart)).toBe('open');
      expect(meeting.waitingListEnabled).toBe(true);
      expect(meeting.questions).toEqual({ organisation: true, role: true, municipality: true, needs: true });
      const start = amsterdamLocalParts(meeting.startsAt);
      const end = amsterdamLocalParts(meeting.endsAt);
      expect([start.hour, start.minute, end.hour, end.minute]).toEqual([13, 30, 16, 30]);
    }
    // Groningen falls before the start of summer time (28 March 2027), Eindhoven after: both at 13.30.
    expect(upcoming.map((m) => m.startsAt)).toEqual(['2027-03-25T12:30:00.000Z', '2027-04-15T11:30:00.000Z']);
    expect(upcoming[0]?.description).toContain('HALT');
    expect(upcoming[1]?.description).toContain('online leefwereld van jongeren');
  });

  it('skip the Christmas break, and keep Eindhoven three weeks after Groningen', () => {
    const [groningen, eindhoven] = demoMeetings(new Date('2026-11-29T10:00:00Z')).slice(5);

    expect([groningen?.startsAt, eindhoven?.startsAt]).toEqual([
      '2027-01-07T12:30:00.000Z',
      '2027-01-28T12:30:00.000Z',
    ]);
  });

  it('keep their ids whenever they are made, so a second seed finds them', () => {
    expect(demoMeetings(new Date('2030-01-01T00:00:00Z')).map((m) => m.meetingId)).toEqual(
      demoMeetings(firstStart).map((m) => m.meetingId),
    );
  });

  it('are created once: seeding again leaves the existing meetings as they are', async () => {
    const store = new CreatingStore();
    await seedMeetings(store, firstStart);
    const first = new Map(store.meetings);

    await seedMeetings(store, new Date('2027-05-01T08:00:00Z'));

    expect(store.meetings).toEqual(first);
    expect(store.meetings.size).toBe(7);
  });
});
