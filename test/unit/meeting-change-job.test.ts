import { beforeEach, describe, expect, it } from 'vitest';
import { applyMeetingChange, type MeetingMailPorts } from '../../functions/core/meetings/meeting-mails';
import type { Registration } from '../../functions/core/meetings/model';
import { reminderAt, reminderScheduleName } from '../../functions/core/meetings/model';
import { FixedClock, InMemoryMeetings, RecordingScheduler } from '../support/in-memory-ports';
import { meetingFixture, putRegistration } from '../support/meeting-fixtures';

const meeting = meetingFixture({ sequence: 2, publishedAt: '2026-12-02T00:00:00.000Z' });
const { meetingId } = meeting;

let store: InMemoryMeetings;
let ports: MeetingMailPorts;
let scheduler: RecordingScheduler;

const register = (personId: string, overrides: Partial<Registration> = {}) =>
  putRegistration(store, meetingId, personId, overrides);

beforeEach(() => {
  store = new InMemoryMeetings();
  store.meetings.set(meetingId, meeting);
  register('sam', { confirmedAt: '2027-01-04T09:00:00.000Z' });
  register('jip', { status: 'waiting', waitingKey: 'W1' });
  register('lale', { status: 'cancelled' });
  scheduler = new RecordingScheduler();
  ports = { store, clock: new FixedClock(new Date('2027-01-05T09:00:00Z')), scheduler };
});

describe('the meeting-changed job', () => {
  it('schedules the reminder of a published meeting and mails the confirmed of a move, once', async () => {
    const job = {
      kind: 'meeting-changed',
      meetingId,
      change: 'updated',
      sequence: 2,
      mailParticipants: true,
    } as const;

    await applyMeetingChange(ports, job);
    await applyMeetingChange(ports, job);

    expect(scheduler.schedules.get(reminderScheduleName(meetingId))?.at).toEqual(reminderAt(meeting));
    expect(store.outbox.map((mail) => mail.mailId)).toEqual([`meeting-updated-${meetingId}-2-reg-sam`]);
  });

  it('mails nobody for a move superseded by a later one', async () => {
    await applyMeetingChange(ports, {
      kind: 'meeting-changed',
      meetingId,
      change: 'updated',
      sequence: 1,
      mailParticipants: true,
    });

    expect(store.outbox).toEqual([]);
  });

  it('deletes the reminder of a cancelled meeting and mails everyone registered or waiting', async () => {
    await scheduler.scheduleOnce(reminderScheduleName(meetingId), reminderAt(meeting), {
      kind: 'meeting-reminder',
      meetingId,
    });
    store.meetings.set(meetingId, { ...meeting, status: 'cancelled', sequence: 3 });

    await applyMeetingChange(ports, {
      kind: 'meeting-changed',
      meetingId,
      change: 'cancelled',
      sequence: 3,
      mailParticipants: true,
    });

    expect(scheduler.schedules.size).toBe(0);
    expect(store.outbox.map((mail) => [mail.recipient.personId, mail.data.calendar])).toEqual([
      ['jip', 'none'],
      ['sam', undefined],
    ]);
  });
});
