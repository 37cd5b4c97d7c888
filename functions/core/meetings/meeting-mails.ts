import type { MeetingChangedJob, OutboxMail } from '../mailings/outbox';
import type { Clock, Scheduler } from '../ports';
import { meetingMail } from './mail-data';
import { hasPersonalData, type Meeting, type Registration, reminderAt, reminderScheduleName } from './model';
import type { RegistrationRow } from './ports';

/**
 * Mails to everyone registered for a meeting, and its reminder schedule: what the meeting-changed job does
 * once an organiser's change (lifecycle.ts) has committed. The outbox delivers the job; it may run twice.
 */

export interface MeetingMailStore {
  /** Strongly consistent: the job acts on the meeting as it is when it runs. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  /** Every registration of the meeting. */
  listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]>;
  /** Queues mails whose ids are deterministic; a mail already queued is left alone, so a rerun adds the rest. */
  queueMailsOnce(mails: readonly OutboxMail[]): Promise<void>;
}

export interface MeetingMailPorts {
  readonly store: MeetingMailStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
}

/**
 * One mail per registration in the given states, with an id derived from the registration and the meeting's
 * sequence: calling this again after a crash queues only what is missing, never a second copy.
 */
const mailEveryone = async (
  ports: MeetingMailPorts,
  meeting: Meeting,
  kind: 'meeting-updated' | 'meeting-cancelled',
  statuses: readonly Registration['status'][],
): Promise<number> => {
  const rows = await ports.store.listRegistrations(meeting.meetingId);
  const mails = rows
    .map((row) => row.registration)
    // An anonymised registration (a meeting long past, moved or cancelled later) has nobody left to mail.
    .filter(hasPersonalData)
    .filter((registration) => statuses.includes(registration.status))
    .map((registration) =>
      meetingMail(kind, meeting, registration, {
        mailId: `${kind}-${meeting.meetingId}-${meeting.sequence}-${registration.registrationId}`,
        createdAt: ports.clock.now().toISOString(),
        hadInvite: registration.status === 'confirmed',
      }),
    );
  await ports.store.queueMailsOnce(mails);
  return mails.length;
};

/** The reminder goes out at start minus the lead time; one already past is not scheduled. */
const scheduleReminder = async (ports: MeetingMailPorts, meeting: Meeting): Promise<void> => {
  const at = reminderAt(meeting);
  const name = reminderScheduleName(meeting.meetingId);
  if (at.getTime() <= ports.clock.now().getTime()) {
    await ports.scheduler.cancel(name);
    return;
  }
  await ports.scheduler.scheduleOnce(name, at, { kind: 'meeting-reminder', meetingId: meeting.meetingId });
};

/**
 * Runs a meeting-changed job (the outbox delivers it after the change committed; it may run twice).
 * 1. The reminder schedule follows the meeting as it is now: created or moved for a published meeting,
 *    deleted otherwise. Both are idempotent, and whichever job runs last leaves it right.
 * 2. A cancellation mails everyone registered or waiting; an update mails the confirmed participants, unless
 *    a later move superseded it (that one's job mails them). Mail ids derive from the meeting's sequence and
 *    the registration, so a second run queues none twice.
 */
export const applyMeetingChange = async (ports: MeetingMailPorts, job: MeetingChangedJob): Promise<void> => {
  const meeting = await ports.store.getMeeting(job.meetingId);
  if (!meeting) return;
  if (meeting.status === 'published') await scheduleReminder(ports, meeting);
  else await ports.scheduler.cancel(reminderScheduleName(meeting.meetingId));
  if (!job.mailParticipants) return;
  if (job.change === 'cancelled' && meeting.status === 'cancelled') {
    await mailEveryone(ports, meeting, 'meeting-cancelled', ['confirmed', 'waiting']);
  } else if (
    job.change === 'updated' &&
    meeting.status === 'published' &&
    meeting.sequence === job.sequence
  ) {
    await mailEveryone(ports, meeting, 'meeting-updated', ['confirmed']);
  }
};
