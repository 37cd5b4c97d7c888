import type { Clock } from '../ports';
import { registrationRetentionCutoff } from '../retention';

/**
 * Registrations leave on time (core/retention.ts): a set number of days after a meeting ended, every
 * registration of it — confirmed, waiting and cancelled — loses the name, the address, the organisation and
 * the municipality, and its waiting-list places and any needs left over go. A TTL cannot do this, as it
 * deletes whole items and the registrations must stay to be counted; so the nightly retention job runs this.
 */

/** A meeting that started before the cutoff and still holds personal data. */
export interface PastMeeting {
  readonly meetingId: string;
  readonly endsAt: string;
}

/** What of one meeting still names a person. */
export interface MeetingPersonalData {
  /** The people whose registrations still hold their details. */
  readonly registrations: readonly string[];
  /** The people whose needs are still stored (their TTL deletes them late). */
  readonly needs: readonly string[];
  /** The waiting-list places, by waiting key. */
  readonly waitingPlaces: readonly string[];
}

export interface RegistrationRetentionStore {
  /**
   * Meetings that started before `startedBefore` and are not marked done, found without a Scan (every one
   * that ended before it is among them).
   */
  pastMeetingsWithPersonalData(startedBefore: Date): Promise<readonly PastMeeting[]>;
  personalDataOf(meetingId: string): Promise<MeetingPersonalData>;
  /** Removes the details of one registration; one already anonymised (or gone) is left as it is. */
  anonymiseRegistration(meetingId: string, personId: string, at: Date): Promise<void>;
  /** Idempotent. */
  deleteNeeds(meetingId: string, personId: string): Promise<void>;
  /** Idempotent. The meeting's waiting count stays: it counts what happened, not what is stored. */
  deleteWaitingPlace(meetingId: string, waitingKey: string): Promise<void>;
  /** Marks the meeting done, so later runs skip it; never touches its counts. */
  markPersonalDataRemoved(meetingId: string, at: Date): Promise<void>;
}

export interface RegistrationRetentionPorts {
  readonly store: RegistrationRetentionStore;
  readonly clock: Clock;
  /** Days after a meeting's end (config REGISTRATION_RETENTION_DAYS; default in core/retention.ts). */
  readonly retentionDays: number;
}

export interface RegistrationRetentionRun {
  readonly cutoff: string;
  readonly meetings: number;
  readonly registrations: number;
  readonly waitingPlaces: number;
  readonly needs: number;
  /** True when the deadline came first; the next run finishes the rest. */
  readonly unfinished: boolean;
}

/** Writes at once per meeting: a handful, so a large meeting does not take a minute nor flood the table. */
const parallelWrites = 10;

const inBatches = async <T>(items: readonly T[], write: (item: T) => Promise<void>): Promise<void> => {
  for (let i = 0; i < items.length; i += parallelWrites) {
    await Promise.all(items.slice(i, i + parallelWrites).map(write));
  }
};

/**
 * Removes the personal data of every meeting that ended longer than the retention period ago.
 * 1. The cutoff is now minus the retention period; the meetings that ended before it and are not marked done
 *    are found (by start time in GSI1: a meeting that ended before the cutoff also started before it).
 * 2. Per meeting, every registration still holding details is anonymised, its waiting places and left-over
 *    needs deleted; each write is idempotent on its own, so a second run changes nothing.
 * 3. Only then is the meeting marked done: a run that dies half-way leaves it unmarked, and the next run
 *    finishes it. The meeting's confirmed and waiting counts are never written.
 * A run stops taking new meetings at `deadline` (the function's time running out).
 */
export const removePersonalDataOfPastMeetings = async (
  ports: RegistrationRetentionPorts,
  deadline?: Date,
): Promise<RegistrationRetentionRun> => {
  const { store, clock } = ports;
  const cutoff = registrationRetentionCutoff(clock.now(), ports.retentionDays);
  const meetings = (await store.pastMeetingsWithPersonalData(cutoff)).filter(
    (meeting) => Date.parse(meeting.endsAt) < cutoff.getTime(),
  );
  const counts = { meetings: 0, registrations: 0, waitingPlaces: 0, needs: 0 };
  for (const meeting of meetings) {
    if (deadline && clock.now().getTime() >= deadline.getTime()) {
      return { cutoff: cutoff.toISOString(), ...counts, unfinished: true };
    }
    const at = clock.now();
    const data = await store.personalDataOf(meeting.meetingId);
    await inBatches(data.registrations, (personId) =>
      store.anonymiseRegistration(meeting.meetingId, personId, at),
    );
    await inBatches(data.waitingPlaces, (waitingKey) =>
      store.deleteWaitingPlace(meeting.meetingId, waitingKey),
    );
    await inBatches(data.needs, (personId) => store.deleteNeeds(meeting.meetingId, personId));
    await store.markPersonalDataRemoved(meeting.meetingId, at);
    counts.meetings += 1;
    counts.registrations += data.registrations.length;
    counts.waitingPlaces += data.waitingPlaces.length;
    counts.needs += data.needs.length;
  }
  return { cutoff: cutoff.toISOString(), ...counts, unfinished: false };
};
