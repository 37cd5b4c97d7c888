import { contendedRounds, untilCommitted } from '../concurrency';
import { DomainError, InvalidInput, NotFound } from '../errors';
import type { MeetingChangedJob, OutboxJob, OutboxMail } from '../mailings/outbox';
import { type Clock, ConcurrentChange, type IdGenerator, StillContended } from '../ports';
import { freeSeats, seatsFit } from './capacity';
import {
  type Meeting,
  type MeetingDetails,
  type MeetingStatus,
  meetingStatuses,
  type Registration,
} from './model';
import {
  listPosition,
  type MeetingListPage,
  type MeetingListQuery,
  type MeetingReader,
  type Promotion,
  type RegistrationRow,
} from './ports';
import { promote } from './promotion';

/**
 * The organiser's side of a meeting: create it as a draft, read it, change it (If-Match), publish it, cancel
 * it. A change that people must hear of, or that moves the reminder, writes a job in the same transaction;
 * running that job is meeting-mails.ts.
 */

/** An outbox job written with a meeting change (core/mailings/outbox.ts). */
export interface MeetingJob {
  readonly jobId: string;
  readonly job: OutboxJob;
  readonly createdAt: string;
}

export interface MeetingChange {
  readonly previous: Meeting;
  readonly next: Meeting;
  readonly promotions?: readonly Promotion[];
  readonly mails?: readonly OutboxMail[];
  /**
   * Written in the same transaction: what the change sets off (mails to everyone, the reminder schedule, the
   * promotions that did not fit in it).
   */
  readonly jobs?: readonly MeetingJob[];
}

export interface MeetingLifecycleStore {
  createMeeting(meeting: Meeting): Promise<void>;
  /** Strongly consistent: decisions are taken on it. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  /**
   * Conditional on `previous.version`, and on the capacity rule for the seats taken plus the promoted ones
   * (capacity.ts), counted at write time; throws ConcurrentChange when either fails.
   */
  updateMeeting(change: MeetingChange): Promise<void>;
  /**
   * The first `limit` people waiting, first come first: a strongly consistent read. Throws
   * ConcurrentChange when one of them is being promoted or leaving at this moment.
   */
  waitingHead(meetingId: string, limit: number): Promise<readonly Registration[]>;
  /** The organiser's list, by status and start time, earliest first. */
  listMeetings(query: MeetingListQuery): Promise<MeetingListPage>;
  /** Every registration with its needs, for the organiser's exports. */
  listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]>;
  /** How many registration requests still wait for their confirmation at `now` (registration-requests.ts). */
  countPending(meetingId: string, now: Date): Promise<number>;
}

export interface OrganiserMeetingPage {
  readonly items: readonly Meeting[];
  /** Where the next page starts (`listPosition` of this page's last meeting); null on the last page. */
  readonly nextAfter: string | null;
}

/**
 * The organiser's list: the meetings of the statuses asked for (default: every status, drafts and cancelled
 * ones included), by start time, `limit` at a time after `after`. One Query per status, each for one more
 * than the page holds, merged by place: so the page is exact, and whether another follows is known, not
 * guessed.
 */
export const organiserMeetingPage = async (
  store: Pick<MeetingLifecycleStore, 'listMeetings'>,
  {
    statuses = meetingStatuses,
    after,
    limit,
  }: { readonly statuses?: readonly MeetingStatus[]; readonly after?: string; readonly limit: number },
): Promise<OrganiserMeetingPage> => {
  const pages = await Promise.all(
    statuses.map((status) =>
      store.listMeetings({ status, limit: limit + 1, ...(after !== undefined ? { after } : {}) }),
    ),
  );
  const merged = pages
    .flatMap((page) => page.items)
    .sort((a, b) => (listPosition(a) < listPosition(b) ? -1 : 1));
  const items = merged.slice(0, limit);
  const last = items.at(-1);
  return { items, nextAfter: merged.length > limit && last ? listPosition(last) : null };
};

export interface LifecyclePorts {
  readonly store: MeetingLifecycleStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** An organiser's change that the registrations do not allow, e.g. a capacity below the seats taken. */
export class MeetingConflict extends DomainError {
  readonly code = 'meeting-conflict';
}

/** What an organiser changes of a meeting; `slug: null` removes its slug. */
export type MeetingChanges = Partial<Omit<MeetingDetails, 'slug'>> & { readonly slug?: string | null };

/** The slug asked for is another meeting's address already (its slug, old or current, or its id). */
export class MeetingSlugTaken extends DomainError {
  readonly code = 'slug-taken';
  constructor(readonly slug: string) {
    super(`Het adres /bijeenkomsten/${slug} is al in gebruik. Kies een ander adres (slug).`);
  }
}

/** The organiser edited an older version than the one stored (If-Match). */
export class StaleVersion extends DomainError {
  readonly code = 'stale-version';
  constructor() {
    super('De bijeenkomst is intussen gewijzigd. Haal hem opnieuw op en probeer het nog eens.');
  }
}

/** A new meeting starts as a draft, invisible to the public until published. */
export const createMeeting = async (ports: LifecyclePorts, details: MeetingDetails): Promise<Meeting> => {
  assertDetails(details);
  const at = ports.clock.now().toISOString();
  const meeting: Meeting = {
    ...details,
    meetingId: ports.ids.next().toLowerCase(),
    status: 'draft',
    confirmedCount: 0,
    waitingCount: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
    sequence: 0,
  };
  await ports.store.createMeeting(meeting);
  return meeting;
};

/** Rules that hold for every meeting, whatever else changes. */
export const assertDetails = (details: MeetingDetails): void => {
  const issues = [];
  const start = Date.parse(details.startsAt);
  if (Date.parse(details.endsAt) <= start)
    issues.push({ field: 'endsAt', message: 'Het einde moet na het begin liggen.' });
  if (Date.parse(details.registrationClosesAt) > start) {
    issues.push({
      field: 'registrationClosesAt',
      message: 'Aanmelden moet uiterlijk bij het begin sluiten.',
    });
  }
  if (Date.parse(details.registrationOpensAt) >= Date.parse(details.registrationClosesAt)) {
    issues.push({ field: 'registrationOpensAt', message: 'Aanmelden moet openen voordat het sluit.' });
  }
  if (issues.length) throw new InvalidInput(issues);
};

/**
 * A meeting whose participants' details were removed (registration-retention.ts) is history: moving it back
 * into the future would open registration on a meeting the retention job no longer looks at.
 */
const assertNotAnonymised = (meeting: Meeting): void => {
  if (meeting.personalDataRemovedAt !== undefined) {
    throw new MeetingConflict(
      'Deze bijeenkomst is voorbij en de gegevens van de deelnemers zijn verwijderd: ze kan niet meer veranderen. Maak een nieuwe bijeenkomst aan.',
    );
  }
};

/** A meeting as the organiser sees it, drafts included. */
export const organiserMeeting = async (store: MeetingReader, meetingId: string): Promise<Meeting> => {
  const meeting = await store.getMeeting(meetingId);
  if (!meeting) throw new NotFound('Deze bijeenkomst bestaat niet.');
  return meeting;
};

/**
 * Promotions fit in one transaction with room to spare: 3 items each, with the meeting and up to two jobs,
 * in DynamoDB's 100 items per transaction.
 */
const promotionsPerTransaction = 25;

/** What a participant's calendar shows: a change to any of these is an update with a raised SEQUENCE. */
const calendarFields = ['startsAt', 'endsAt', 'city', 'venueAddress'] as const;

/**
 * The job that carries a meeting change to the participants and the reminder schedule; its id is unique per
 * version, so the transaction that writes it cannot be repeated into a second one.
 */
const meetingChangedJob = (
  ports: LifecyclePorts,
  meeting: Meeting,
  change: MeetingChangedJob['change'],
  mailParticipants: boolean,
): MeetingJob => ({
  jobId: `meeting-${meeting.meetingId}-v${meeting.version}`,
  job: {
    kind: 'meeting-changed',
    meetingId: meeting.meetingId,
    change,
    sequence: meeting.sequence,
    mailParticipants,
  },
  createdAt: ports.clock.now().toISOString(),
});

/**
 * An organiser changes a meeting (If-Match: the version they read).
 * 1. A stale version → StaleVersion; a cancelled meeting cannot change.
 * 2. Capacity below the seats taken → MeetingConflict (the capacity rule, capacity.ts).
 * 3. The change is written conditional on the version (and on the seats taken still fitting), with a job
 *    in the same transaction when people must hear of it (a move) or the reminder moves: the delivery runs
 *    it (applyMeetingChange, meeting-mails.ts), so a crash after the commit loses neither.
 * 4. Capacity raised → the first people waiting are promoted in the same transaction, as many as fit in it,
 *    and a waiting-list-promotion job goes along that promotes whoever still waits for a free seat
 *    (promoteWaiting), also someone who joined between the read and the write. Meanwhile no newcomer takes
 *    a seat: a seat is only taken while nobody waits.
 */
export const updateMeeting = async (
  ports: LifecyclePorts,
  meetingId: string,
  expectedVersion: number,
  changes: MeetingChanges,
): Promise<Meeting> => {
  const updated = await untilCommitted(contendedRounds, async () => {
    const current = await organiserMeeting(ports.store, meetingId);
    if (current.version !== expectedVersion) throw new StaleVersion();
    if (current.status === 'cancelled')
      throw new MeetingConflict('Een geannuleerde bijeenkomst kan niet meer veranderen.');
    assertNotAnonymised(current);
    const moved = calendarFields.some((field) => field in changes && changes[field] !== current[field]);
    const { slug, ...details } = changes;
    const { slug: _current, ...unaddressed } = current;
    const next: Meeting = {
      // `slug: null` removes the slug: the meeting's page is at its id again (an old slug still leads there).
      ...(slug === null ? unaddressed : current),
      ...details,
      ...(typeof slug === 'string' ? { slug } : {}),
      updatedAt: ports.clock.now().toISOString(),
      version: current.version + 1,
      sequence: moved ? current.sequence + 1 : current.sequence,
    };
    assertDetails(next);
    if (!seatsFit(current, next.capacity, 0)) {
      throw new MeetingConflict(
        `Er zijn al ${current.confirmedCount} bevestigde aanmeldingen; de capaciteit kan niet lager dan dat.`,
      );
    }
    const remindAnotherTime =
      next.startsAt !== current.startsAt || next.reminderLeadHours !== current.reminderLeadHours;
    const mailParticipants = next.sequence !== current.sequence;
    const promotions = await promotionsFor(ports, current, next);
    // Raised while published: the job goes along whatever the queue looked like at the read, because a
    // join may commit between this read and this write (it moves neither the version nor the seats taken);
    // the job reads the queue as it is, and promotes nobody when nobody waits.
    const raised = next.status === 'published' && next.capacity > current.capacity;
    const jobs = [
      ...(next.status === 'published' && (mailParticipants || remindAnotherTime)
        ? [meetingChangedJob(ports, next, 'updated', mailParticipants)]
        : []),
      ...(raised ? [waitingListPromotionJob(ports, next)] : []),
    ];
    await ports.store.updateMeeting({
      previous: current,
      next,
      ...(promotions.length ? { promotions } : {}),
      ...(jobs.length ? { jobs } : {}),
    });
    return next;
  });
  return organiserMeeting(ports.store, updated.meetingId);
};

/** The job that promotes what a capacity raise could not in its own transaction; one per meeting version. */
const waitingListPromotionJob = (ports: LifecyclePorts, meeting: Meeting): MeetingJob => ({
  jobId: `promote-${meeting.meetingId}-v${meeting.version}`,
  job: { kind: 'waiting-list-promotion', meetingId: meeting.meetingId },
  createdAt: ports.clock.now().toISOString(),
});

const promotionsFor = async (
  ports: LifecyclePorts,
  current: Meeting,
  next: Meeting,
): Promise<Promotion[]> => {
  if (next.status !== 'published') return [];
  const free = Math.min(freeSeats(current, next.capacity), current.waitingCount, promotionsPerTransaction);
  if (free <= 0) return [];
  const head = await ports.store.waitingHead(current.meetingId, free);
  return head.map((waiting) => promote(ports, next, waiting));
};

/**
 * Runs a waiting-list-promotion job: promotes the people waiting while seats are free, first come first, one
 * bounded transaction at a time. It may run twice, or after a crash half-way: each round reads the meeting
 * and the queue as they are, so only who is still waiting is promoted, and each person once.
 */
export const promoteWaiting = async (ports: LifecyclePorts, meetingId: string): Promise<Meeting> => {
  for (let round = 0; round < 100; round++) {
    const current = await organiserMeeting(ports.store, meetingId);
    const next = { ...current, version: current.version + 1, updatedAt: ports.clock.now().toISOString() };
    try {
      const promotions = await promotionsFor(ports, current, next);
      if (promotions.length === 0) return current;
      await ports.store.updateMeeting({ previous: current, next, promotions });
    } catch (error) {
      if (!(error instanceof ConcurrentChange)) throw error;
    }
  }
  // Seats may still be free while people wait: the delivery runs the job again later.
  throw new StillContended();
};

/**
 * Publishing makes a draft visible and opens it for registration at its opening time; its reminder is
 * scheduled by the job written with it.
 */
export const publishMeeting = async (
  ports: LifecyclePorts,
  meetingId: string,
  expectedVersion?: number,
): Promise<Meeting> => {
  const published = await untilCommitted(contendedRounds, async () => {
    const current = await organiserMeeting(ports.store, meetingId);
    if (expectedVersion !== undefined && current.version !== expectedVersion) throw new StaleVersion();
    if (current.status === 'published') return current;
    if (current.status === 'cancelled')
      throw new MeetingConflict('Een geannuleerde bijeenkomst kan niet meer worden gepubliceerd.');
    assertNotAnonymised(current);
    const at = ports.clock.now().toISOString();
    const next: Meeting = {
      ...current,
      status: 'published',
      publishedAt: at,
      updatedAt: at,
      version: current.version + 1,
    };
    await ports.store.updateMeeting({
      previous: current,
      next,
      jobs: [meetingChangedJob(ports, next, 'published', false)],
    });
    return next;
  });
  return published;
};

/**
 * Cancelling a meeting: it stays visible as cancelled; everyone registered or waiting gets one mail.
 * 1. Cancelled already → nothing, and no mail; with another message than the one it was cancelled with,
 *    MeetingConflict: that message would reach nobody (a retry with the same one is the same cancellation).
 * 2. The status changes (conditional on the version) with a job in the same transaction, which deletes the
 *    reminder schedule and mails everyone (applyMeetingChange, meeting-mails.ts).
 */
export const cancelMeeting = (
  ports: LifecyclePorts,
  meetingId: string,
  expectedVersion?: number,
  /** What the organiser tells the participants; the cancellation mail carries it. */
  message?: string,
): Promise<Meeting> =>
  untilCommitted(contendedRounds, async () => {
    const current = await organiserMeeting(ports.store, meetingId);
    // Cancelled already: its job did (or will do) everything; a second one would mail everyone again.
    if (current.status === 'cancelled') {
      if (message !== undefined && message !== current.cancellationMessage) {
        throw new MeetingConflict(
          'Deze bijeenkomst is al geannuleerd en de deelnemers hebben hun mail gehad: dit bericht bereikt niemand meer.',
        );
      }
      return current;
    }
    if (expectedVersion !== undefined && current.version !== expectedVersion) throw new StaleVersion();
    assertNotAnonymised(current);
    const at = ports.clock.now().toISOString();
    const next: Meeting = {
      ...current,
      status: 'cancelled',
      cancelledAt: at,
      ...(message ? { cancellationMessage: message } : {}),
      updatedAt: at,
      version: current.version + 1,
      sequence: current.sequence + 1,
    };
    await ports.store.updateMeeting({
      previous: current,
      next,
      jobs: [meetingChangedJob(ports, next, 'cancelled', current.publishedAt !== undefined)],
    });
    return next;
  });
