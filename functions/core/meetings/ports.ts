import type { OutboxMail } from '../mailings/outbox';
import type { CounterRequirement } from './capacity';
import type { Meeting, MeetingStatus, Registration, RegistrationNeeds, StoredRegistration } from './model';
import type { PendingRegistration } from './registration-requests';

/**
 * What the meeting capabilities share. Each capability declares its own small port next to its use cases
 * (registration.ts, cancellation.ts, lifecycle.ts, catalogue.ts, reminders.ts, meeting-mails.ts); the
 * records those ports pass are defined here once.
 */

/** Reads one meeting. Strongly consistent: decisions are taken on it. */
export interface MeetingReader {
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
}

/** Which meeting a slug names: the one that has it now or had it before; undefined when none ever had it. */
export interface MeetingAddresses {
  meetingIdAt(slug: string): Promise<string | undefined>;
}

/** A waiting registration moved to confirmed, in the same transaction as the change that freed its seat. */
export interface Promotion {
  readonly previous: Registration;
  readonly next: Registration;
  readonly mail: OutboxMail;
}

/**
 * One atomic registration change. The store writes it in one transaction, conditional on what the use case
 * read: the meeting's counters and calendar sequence (a registration never commits with a time or place
 * that was moved meanwhile), the registration's version, the waiting item of each promotion.
 * The meeting item is updated with ADD on its counters and guarded by the clauses of `requires`
 * (capacity.ts), so two requests can never both take the last seat. A failed condition throws
 * ConcurrentChange; nothing is written.
 */
export interface RegistrationChange {
  readonly meeting: Meeting;
  /** What the meeting's counters must allow for this change (read before the change's own ADD). */
  readonly requires: CounterRequirement;
  readonly previous?: Registration;
  readonly next: Registration;
  /** Written (or replaced) with an expiry 30 days after the meeting; absent leaves existing needs alone. */
  readonly needs?: RegistrationNeeds;
  readonly promotions?: readonly Promotion[];
  readonly mails: readonly OutboxMail[];
  /** An admin's registration over capacity: the meeting's capacity (and version) grow by the seat taken. */
  readonly addsSeat?: boolean;
  /**
   * The person's registration request (registration-requests.ts), deleted in the same transaction: the
   * one being confirmed must still exist (`mustExist`: a concurrent confirm of it wins); any other is gone
   * with the registration it is no longer needed for.
   */
  readonly request?: Pick<PendingRegistration, 'meetingId' | 'personId'> & { readonly mustExist: boolean };
}

export interface MeetingListQuery {
  readonly status: MeetingStatus;
  /** Only meetings starting at or after this instant. */
  readonly from?: Date;
  /** Only meetings starting before this instant, latest first (instead of `from`). */
  readonly before?: Date;
  readonly limit: number;
  readonly cursor?: string;
  /**
   * Only meetings after this place in the list (`listPosition`), earliest first; instead of `cursor`. Every
   * status's list has the same order, so one place continues several lists at once (organiserMeetingPage).
   */
  readonly after?: string;
}

/** A meeting's place in the lists by start time: its start, then its id (two may start together). */
export const listPosition = (meeting: Pick<Meeting, 'startsAt' | 'meetingId'>): string =>
  `${meeting.startsAt}#${meeting.meetingId}`;

export interface MeetingListPage {
  readonly items: readonly Meeting[];
  readonly nextCursor: string | null;
}

/**
 * A registration with its needs, as listed for exports and for mailing everyone registered; one of a meeting
 * long past has no personal data left (anonymised).
 */
export interface RegistrationRow {
  readonly registration: StoredRegistration;
  readonly needs?: RegistrationNeeds;
}
