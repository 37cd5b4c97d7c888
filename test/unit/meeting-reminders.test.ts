import { beforeEach, describe, expect, it } from 'vitest';
import type { Registration } from '../../functions/core/meetings/model';
import { reminderAt } from '../../functions/core/meetings/model';
import { type ReminderPorts, sendMeetingReminders } from '../../functions/core/meetings/reminders';
import { FixedClock, InMemoryMeetings } from '../support/in-memory-ports';
import { meetingFixture, putRegistration } from '../support/meeting-fixtures';

const meeting = meetingFixture({ sequence: 2, publishedAt: '2026-12-02T00:00:00.000Z' });
const { meetingId } = meeting;

let store: InMemoryMeetings;
let clock: FixedClock;

const register = (personId: string, overrides: Partial<Registration> = {}) =>
  putRegistration(store, meetingId, personId, overrides);

beforeEach(() => {
  store = new InMemoryMeetings();
  clock = new FixedClock(reminderAt(meeting));
  store.meetings.set(meetingId, meeting);
  register('sam', { confirmedAt: '2027-01-04T09:00:00.000Z' });
  register('jip', { status: 'waiting', waitingKey: 'W1' });
  register('lale', { status: 'cancelled' });
});

describe('the reminder of a meeting', () => {
  it('goes to everyone confirmed by its first firing, once, also when it fires again', async () => {
    const ports: ReminderPorts = { store, clock };

    expect(await sendMeetingReminders(ports, meetingId)).toEqual({ queued: 1 });
    clock.advance(60);
    register('late', { confirmedAt: clock.now().toISOString() });
    expect(await sendMeetingReminders(ports, meetingId)).toEqual({ queued: 1 });

    expect(store.outbox.map((mail) => [mail.mailId, mail.kind])).toEqual([
      [`meeting-reminder-${meetingId}-reg-sam`, 'meeting-reminder'],
    ]);
  });

  it('does nothing from a schedule that fires well before the reminder time (the meeting moved later)', async () => {
    clock = new FixedClock(new Date(reminderAt(meeting).getTime() - 3_600_000));

    expect(await sendMeetingReminders({ store, clock }, meetingId)).toEqual({
      queued: 0,
      earlyUntil: reminderAt(meeting).toISOString(),
    });
    expect(store.reminderRuns.size).toBe(0);
  });
});
