import type { OutboxMail } from '../mailings/outbox';
import type { Clock } from '../ports';
import { meetingMail } from './mail-data';
import { hasPersonalData, type Meeting, reminderAt } from './model';
import type { RegistrationRow } from './ports';

/**
 * A meeting's reminder: its one-time schedule fired, and every participant confirmed by then gets one mail.
 * The schedule itself is created, moved and deleted by the meeting-changed job (meeting-mails.ts).
 */

export interface ReminderStore {
  /** Strongly consistent. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  /**
   * Records when the meeting's reminder first fired and returns that moment; a later firing gets the first
   * one back (a conditional put, then a strongly consistent read).
   */
  firstReminderRun(meetingId: string, at: Date): Promise<Date>;
  /** Every registration of the meeting. */
  listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]>;
  /** Queues mails whose ids are deterministic; a mail already queued is left alone, so a rerun adds the rest. */
  queueMailsOnce(mails: readonly OutboxMail[]): Promise<void>;
}

export interface ReminderPorts {
  readonly store: ReminderStore;
  readonly clock: Clock;
}

/**
 * What a firing did. `earlyUntil`: nothing, because the reminders are due later (at that instant); the
 * schedule that fired early is stale, or someone fired it by hand (`npm run local -- fire`), which then keeps it.
 */
export interface ReminderRun {
  readonly queued: number;
  readonly earlyUntil?: string;
}

/** A reminder that fires this much early still counts; earlier means the meeting moved later meanwhile. */
const reminderTolerance = 5 * 60_000;

/**
 * The reminder schedule of a meeting fired (EventBridge Scheduler, or the local scheduler).
 * 1. Only a published meeting that has not started gets reminders, and only at (about) its reminder time:
 *    a stale schedule of a meeting moved later does nothing (the moved schedule fires later).
 * 2. The first firing's moment is recorded; it is the cutoff for every firing: people confirmed after it
 *    get no reminder, also when the schedule fires again.
 * 3. Every participant confirmed by the cutoff gets one reminder; its id is derived from (meeting,
 *    registration), so a second firing queues only what a crashed first one left out.
 */
export const sendMeetingReminders = async (ports: ReminderPorts, meetingId: string): Promise<ReminderRun> => {
  const meeting = await ports.store.getMeeting(meetingId);
  const now = ports.clock.now().getTime();
  if (meeting?.status !== 'published' || now >= Date.parse(meeting.startsAt)) return { queued: 0 };
  const dueAt = reminderAt(meeting);
  if (now < dueAt.getTime() - reminderTolerance) return { queued: 0, earlyUntil: dueAt.toISOString() };
  const cutoff = (await ports.store.firstReminderRun(meetingId, new Date(now))).getTime();
  const rows = await ports.store.listRegistrations(meetingId);
  const mails = rows
    .map((row) => row.registration)
    .filter(hasPersonalData)
    .filter(
      (registration) =>
        registration.status === 'confirmed' &&
        Date.parse(registration.confirmedAt ?? registration.registeredAt) <= cutoff,
    )
    .map((registration) =>
      meetingMail('meeting-reminder', meeting, registration, {
        mailId: `meeting-reminder-${meetingId}-${registration.registrationId}`,
        createdAt: ports.clock.now().toISOString(),
      }),
    );
  await ports.store.queueMailsOnce(mails);
  return { queued: mails.length };
};
