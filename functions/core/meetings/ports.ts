import type { MeetingChangedJob, OutboxMail } from '../mailings/outbox';
import type { MailRate, MailRateChange } from '../people/mail-rate';
import type { Meeting, MeetingStatus, Registration, RegistrationNeeds } from './model';

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
 * The meeting item is updated with ADD on its counters and guarded by the capacity condition, so two
 * requests can never both take the last seat. A failed condition throws ConcurrentChange; nothing is written.
 */
export interface RegistrationChange {
  readonly meeting: Meeting;
  /** What the meeting's counters must allow for this change (read before the change's own ADD). */
  readonly requires: 'seat-free' | 'full' | 'no-one-waiting' | 'none';
  readonly previous?: Registration;
  readonly next: Registration;
  /** Written (or replaced) with an expiry 30 days after the meeting; absent leaves existing needs alone. */
  readonly needs?: RegistrationNeeds;
  readonly promotions?: readonly Promotion[];
  readonly mails: readonly OutboxMail[];
}

/** An outbox job written with a meeting change (core/mailings/outbox.ts). */
export interface MeetingJob {
  readonly jobId: string;
  readonly job: MeetingChangedJob;
  readonly createdAt: string;
}

export interface MeetingChange {
  readonly previous: Meeting;
  readonly next: Meeting;
  readonly promotions?: readonly Promotion[];
  readonly mails?: readonly OutboxMail[];
  /** Written in the same transaction: what the change sets off (mails to everyone, the reminder schedule). */
  readonly job?: MeetingJob;
}

export interface MeetingListQuery {
  readonly status: MeetingStatus;
  /** Only meetings starting at or after this instant. */
  readonly from?: Date;
  readonly limit: number;
  readonly cursor?: string;
}

export interface MeetingListPage {
  readonly items: readonly Meeting[];
  readonly nextCursor: string | null;
}

export interface RegistrationRow {
  readonly registration: Registration;
  readonly needs?: RegistrationNeeds;
}

export interface MeetingStore {
  createMeeting(meeting: Meeting): Promise<void>;
  /** Strongly consistent: decisions are taken on it. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  /** Conditional on `previous.version`; throws ConcurrentChange when it moved. */
  updateMeeting(change: MeetingChange): Promise<void>;
  /** By start time, earliest first. */
  listMeetings(query: MeetingListQuery): Promise<MeetingListPage>;
  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined>;
  /**
   * The first `limit` people waiting, first come first: a strongly consistent base-table Query. Throws
   * ConcurrentChange when one of them is being promoted or leaving at this moment.
   */
  waitingHead(meetingId: string, limit: number): Promise<readonly Registration[]>;
  /** 1-based rank among the people still waiting. */
  waitingPosition(meetingId: string, waitingKey: string): Promise<number>;
  commitRegistration(change: RegistrationChange): Promise<void>;
  /** Every registration with its needs, for exports and for mailing everyone on a cancellation. */
  listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]>;
  loadMailRate(personId: string): Promise<MailRate>;
  /** A mail sent again on the person's request, with the mail-rate change, in one conditional transaction. */
  commitResend(personId: string, mailRate: MailRateChange, mail: OutboxMail): Promise<void>;
  /**
   * Records when the meeting's reminder first fired and returns that moment; a later firing gets the first
   * one back (a conditional put, then a strongly consistent read).
   */
  firstReminderRun(meetingId: string, at: Date): Promise<Date>;
  /** Queues mails whose ids are deterministic; a mail already queued is left alone, so a rerun adds the rest. */
  queueMailsOnce(mails: readonly OutboxMail[]): Promise<void>;
}
