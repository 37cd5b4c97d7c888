import { untilCommitted } from '../concurrency';
import { DomainError, InvalidInput, InvalidToken, NotFound } from '../errors';
import type { MeetingChangedJob, OutboxMail, OutboxMailKind } from '../mailings/outbox';
import { nextMailRate } from '../people/mail-rate';
import { normaliseAddress, type PersonIds } from '../people/person-id';
import { type Clock, ConcurrentChange, type IdGenerator, type Scheduler } from '../ports';
import type { TokenSigner } from '../tokens';
import { meetingMailData, parseCancelTokenId } from './mail-data';
import {
  isPublic,
  type Meeting,
  type MeetingDetails,
  type Registration,
  type RegistrationAnswers,
  type RegistrationNeeds,
  registrationWindow,
  reminderAt,
  reminderScheduleName,
} from './model';
import type { MeetingJob, MeetingStore, Promotion } from './ports';

export interface MeetingPorts {
  readonly store: MeetingStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly scheduler: Scheduler;
}

/** The meeting is full and has no waiting list (or registering would overbook it). */
export class MeetingFull extends DomainError {
  readonly code = 'meeting-full';
  constructor() {
    super('Deze bijeenkomst is vol. Er is geen wachtlijst.');
  }
}

/** Registration is not open: not yet, no longer, or the meeting was cancelled or has passed. */
export class RegistrationClosed extends DomainError {
  readonly code = 'registration-closed';
}

/** An organiser's change that the registrations do not allow, e.g. a capacity below the seats taken. */
export class MeetingConflict extends DomainError {
  readonly code = 'meeting-conflict';
}

/** The organiser edited an older version than the one stored (If-Match). */
export class StaleVersion extends DomainError {
  readonly code = 'stale-version';
  constructor() {
    super('De bijeenkomst is intussen gewijzigd. Haal hem opnieuw op en probeer het nog eens.');
  }
}

/**
 * Many people may take the last seats or the head of the waiting list at once: allow many rounds (each
 * conflict means someone else's write went through).
 */
const contendedRounds = { attempts: 60 };

const meetingMail = (
  ports: MeetingPorts,
  kind: OutboxMailKind,
  meeting: Meeting,
  registration: Registration,
  { mailId = ports.ids.next(), hadInvite = true }: { mailId?: string; hadInvite?: boolean } = {},
): OutboxMail => ({
  mailId,
  kind,
  recipient: { personId: registration.personId, address: registration.email, name: registration.name },
  // Someone who only ever waited has no calendar entry: a CANCEL to them would be noise.
  data: { ...meetingMailData(meeting, registration), ...(hadInvite ? {} : { calendar: 'none' }) },
  createdAt: ports.clock.now().toISOString(),
});

/** A meeting as the public may see it: drafts do not exist for them. */
export const publicMeeting = async (store: MeetingStore, meetingId: string): Promise<Meeting> => {
  const meeting = await store.getMeeting(meetingId);
  if (!meeting || !isPublic(meeting)) throw new NotFound('Deze bijeenkomst bestaat niet (meer).');
  return meeting;
};

/** Upcoming published meetings, earliest first: a Query by date, never a Scan. */
export const upcomingMeetings = async (
  store: MeetingStore,
  now: Date,
  limit = 50,
): Promise<readonly Meeting[]> => {
  const [published, cancelled] = await Promise.all([
    store.listMeetings({ status: 'published', from: now, limit }),
    store.listMeetings({ status: 'cancelled', from: now, limit }),
  ]);
  return [...published.items, ...cancelled.items]
    .filter(isPublic)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
    .slice(0, limit);
};

export interface RegistrationRequest {
  readonly email: string;
  readonly name: string;
  readonly answers: RegistrationAnswers;
  readonly needs?: RegistrationNeeds;
}

export interface RegistrationOutcome {
  readonly status: 'confirmed' | 'waiting';
  /** Waiting only: the current rank among the people still waiting. */
  readonly position?: number;
}

const assertOpen = (meeting: Meeting, now: Date): void => {
  if (meeting.status === 'cancelled') throw new RegistrationClosed('Deze bijeenkomst gaat niet door.');
  const window = registrationWindow(meeting, now);
  if (window === 'not-open-yet')
    throw new RegistrationClosed('Aanmelden voor deze bijeenkomst kan nog niet.');
  if (window === 'closed') throw new RegistrationClosed('Aanmelden voor deze bijeenkomst kan niet meer.');
};

/** The answers to the questions this meeting asks; each asked question except the needs is required. */
const askedAnswers = (meeting: Meeting, request: RegistrationRequest): RegistrationAnswers => {
  const { questions } = meeting;
  const missing = (['organisation', 'role', 'municipality'] as const).filter(
    (question) => questions[question] && !request.answers[question],
  );
  if (missing.length) {
    const messages = {
      organisation: 'Vul je organisatie in.',
      role: 'Kies je rol.',
      municipality: 'Vul je gemeente in.',
    };
    throw new InvalidInput(missing.map((field) => ({ field, message: messages[field] })));
  }
  return {
    ...(questions.organisation && request.answers.organisation
      ? { organisation: request.answers.organisation }
      : {}),
    ...(questions.role && request.answers.role ? { role: request.answers.role } : {}),
    ...(questions.municipality && request.answers.municipality
      ? { municipality: request.answers.municipality }
      : {}),
  };
};

const outcomeOf = async (store: MeetingStore, registration: Registration): Promise<RegistrationOutcome> =>
  registration.status === 'waiting' && registration.waitingKey
    ? {
        status: 'waiting',
        position: await store.waitingPosition(registration.meetingId, registration.waitingKey),
      }
    : { status: 'confirmed' };

/**
 * Someone registers for a published meeting (form or API).
 * 1. The meeting must be public and its registration window open.
 * 2. Registered already → nothing new: the same answer, and the confirmation (or waiting-list mail) again,
 *    at most 3 mails per address per hour.
 * 3. A seat free → confirmed; full with a waiting list → waiting, last in line; full without → MeetingFull.
 * 4. The registration, the counters, the waiting place, the needs and the mail are one transaction,
 *    conditional on the seat still being free (or the meeting still being full): never overbooked.
 */
export const registerForMeeting = async (
  ports: MeetingPorts & { readonly personIds: PersonIds },
  meetingId: string,
  request: RegistrationRequest,
): Promise<RegistrationOutcome> => {
  const email = normaliseAddress(request.email);
  const personId = ports.personIds.of(email);
  return untilCommitted(contendedRounds, async () => {
    const meeting = await publicMeeting(ports.store, meetingId);
    const now = ports.clock.now();
    assertOpen(meeting, now);
    const answers = askedAnswers(meeting, request);
    const existing = await ports.store.getRegistration(meetingId, personId);
    if (existing && existing.status !== 'cancelled') {
      const rate = nextMailRate(await ports.store.loadMailRate(personId), now);
      if (rate) {
        const kind = existing.status === 'waiting' ? 'registration-waiting' : 'registration-confirmed';
        await ports.store.commitResend(personId, rate, meetingMail(ports, kind, meeting, existing));
      }
      return outcomeOf(ports.store, existing);
    }
    const seatFree = meeting.confirmedCount < meeting.capacity;
    if (!seatFree && !meeting.waitingListEnabled) throw new MeetingFull();
    const at = now.toISOString();
    const registration: Registration = {
      meetingId,
      personId,
      registrationId: ports.ids.next(),
      email,
      name: request.name,
      answers,
      registeredAt: at,
      version: (existing?.version ?? 0) + 1,
      ...(seatFree
        ? { status: 'confirmed', confirmedAt: at }
        : { status: 'waiting', waitingKey: ports.ids.next() }),
    };
    await ports.store.commitRegistration({
      meeting,
      requires: seatFree ? 'seat-free' : 'full',
      ...(existing ? { previous: existing } : {}),
      next: registration,
      ...(meeting.questions.needs && (request.needs?.dietary || request.needs?.accessibility)
        ? { needs: request.needs }
        : {}),
      mails: [
        meetingMail(
          ports,
          seatFree ? 'registration-confirmed' : 'registration-waiting',
          meeting,
          registration,
        ),
      ],
    });
    return outcomeOf(ports.store, registration);
  });
};

/** The first waiting person, confirmed, with the mail that tells them. */
const promote = (ports: MeetingPorts, meeting: Meeting, waiting: Registration): Promotion => {
  const at = ports.clock.now().toISOString();
  const { waitingKey: _, ...rest } = waiting;
  const next: Registration = { ...rest, status: 'confirmed', confirmedAt: at, version: waiting.version + 1 };
  return { previous: waiting, next, mail: meetingMail(ports, 'registration-promoted', meeting, next) };
};

/** Checks a cancel link before its page is shown; a GET never cancels. */
export const registrationForCancelLink = async (
  ports: MeetingPorts & { readonly tokens: TokenSigner },
  token: string,
): Promise<{ meeting: Meeting; registration: Registration }> => {
  const parsed = parseCancelTokenId(ports.tokens.verify(token, 'cancel-registration').id);
  if (!parsed) throw new InvalidToken('malformed');
  const registration = await ports.store.getRegistration(parsed.meetingId, parsed.personId);
  const meeting = await ports.store.getMeeting(parsed.meetingId);
  if (!registration || !meeting || registration.registrationId !== parsed.registrationId) {
    throw new InvalidToken('expired');
  }
  return { meeting, registration };
};

/**
 * A participant cancels with the link from their mail (a POST from the page it opens).
 * 1. The link must be for this registration (not an earlier one of the same person).
 * 2. Cancelled already → nothing (idempotent).
 * 3. A confirmed seat is handed to the first person waiting in the same transaction, with their promotion
 *    mail; a waiting place is simply left. The cancellation mail goes along.
 */
export const cancelRegistration = async (
  ports: MeetingPorts & { readonly tokens: TokenSigner },
  token: string,
): Promise<{ meeting: Meeting; outcome: 'cancelled' | 'already-cancelled' }> =>
  untilCommitted(contendedRounds, async () => {
    const { meeting, registration } = await registrationForCancelLink(ports, token);
    if (registration.status === 'cancelled') return { meeting, outcome: 'already-cancelled' };
    const at = ports.clock.now().toISOString();
    const { waitingKey: _, ...rest } = registration;
    const next: Registration = {
      ...rest,
      status: 'cancelled',
      cancelledAt: at,
      version: registration.version + 1,
    };
    const [head] =
      registration.status === 'confirmed' && meeting.status === 'published'
        ? await ports.store.waitingHead(meeting.meetingId, 1)
        : [];
    const promotions = head ? [promote(ports, meeting, head)] : [];
    // A seat freed while nobody waits stays free: the write checks that still nobody waits, or it runs again.
    const freesSeat = registration.status === 'confirmed' && meeting.status === 'published' && !head;
    await ports.store.commitRegistration({
      meeting,
      requires: freesSeat ? 'no-one-waiting' : 'none',
      previous: registration,
      next,
      promotions,
      mails: [
        meetingMail(ports, 'registration-cancelled', meeting, next, {
          hadInvite: registration.status === 'confirmed',
        }),
      ],
    });
    return { meeting, outcome: 'cancelled' };
  });

// ---- Organisers ----

/** A new meeting starts as a draft, invisible to the public until published. */
export const createMeeting = async (ports: MeetingPorts, details: MeetingDetails): Promise<Meeting> => {
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

export const organiserMeeting = async (store: MeetingStore, meetingId: string): Promise<Meeting> => {
  const meeting = await store.getMeeting(meetingId);
  if (!meeting) throw new NotFound('Deze bijeenkomst bestaat niet.');
  return meeting;
};

/** Promotions fit in one transaction with room to spare (3 items each, 100 per transaction). */
const promotionsPerTransaction = 25;

/**
 * An organiser changes a meeting (If-Match: the version they read).
 * 1. A stale version → StaleVersion; a cancelled meeting cannot change.
 * 2. Capacity below the seats taken → MeetingConflict.
 * 3. The change is written conditional on the version (and on the seats taken still fitting), with a job
 *    in the same transaction when people must hear of it (a move) or the reminder moves: the delivery runs
 *    it (applyMeetingChange), so a crash after the commit loses neither.
 * 4. Capacity raised → the first people waiting are promoted, in bounded transactions, until the seats are
 *    full or nobody waits.
 */
export const updateMeeting = async (
  ports: MeetingPorts,
  meetingId: string,
  expectedVersion: number,
  changes: Partial<MeetingDetails>,
): Promise<Meeting> => {
  const updated = await untilCommitted(contendedRounds, async () => {
    const current = await organiserMeeting(ports.store, meetingId);
    if (current.version !== expectedVersion) throw new StaleVersion();
    if (current.status === 'cancelled')
      throw new MeetingConflict('Een geannuleerde bijeenkomst kan niet meer veranderen.');
    const moved = calendarFields.some((field) => field in changes && changes[field] !== current[field]);
    const next: Meeting = {
      ...current,
      ...changes,
      updatedAt: ports.clock.now().toISOString(),
      version: current.version + 1,
      sequence: moved ? current.sequence + 1 : current.sequence,
    };
    assertDetails(next);
    if (next.capacity < current.confirmedCount) {
      throw new MeetingConflict(
        `Er zijn al ${current.confirmedCount} bevestigde aanmeldingen; de capaciteit kan niet lager dan dat.`,
      );
    }
    const remindAnotherTime =
      next.startsAt !== current.startsAt || next.reminderLeadHours !== current.reminderLeadHours;
    const mailParticipants = next.sequence !== current.sequence;
    await ports.store.updateMeeting({
      previous: current,
      next,
      ...(next.status === 'published' && (mailParticipants || remindAnotherTime)
        ? { job: meetingChangedJob(ports, next, 'updated', mailParticipants) }
        : {}),
    });
    return next;
  });
  return fillFreeSeats(ports, updated.meetingId);
};

/** What a participant's calendar shows: a change to any of these is an update with a raised SEQUENCE. */
const calendarFields = ['startsAt', 'endsAt', 'city', 'venueAddress'] as const;

/**
 * One mail per registration in the given states, with an id derived from the registration and the meeting's
 * sequence: calling this again after a crash queues only what is missing, never a second copy.
 */
const mailEveryone = async (
  ports: MeetingPorts,
  meeting: Meeting,
  kind: 'meeting-updated' | 'meeting-cancelled',
  statuses: readonly Registration['status'][],
): Promise<number> => {
  const rows = await ports.store.listRegistrations(meeting.meetingId);
  const mails = rows
    .map((row) => row.registration)
    .filter((registration) => statuses.includes(registration.status))
    .map((registration) =>
      meetingMail(ports, kind, meeting, registration, {
        mailId: `${kind}-${meeting.meetingId}-${meeting.sequence}-${registration.registrationId}`,
        hadInvite: registration.status === 'confirmed',
      }),
    );
  await ports.store.queueMailsOnce(mails);
  return mails.length;
};

/** The reminder goes out at start minus the lead time; one already past is not scheduled. */
const scheduleReminder = async (ports: MeetingPorts, meeting: Meeting): Promise<void> => {
  const at = reminderAt(meeting);
  const name = reminderScheduleName(meeting.meetingId);
  if (at.getTime() <= ports.clock.now().getTime()) {
    await ports.scheduler.cancel(name);
    return;
  }
  await ports.scheduler.scheduleOnce(name, at, { kind: 'meeting-reminder', meetingId: meeting.meetingId });
};

/**
 * The job that carries a meeting change to the participants and the reminder schedule; its id is unique per
 * version, so the transaction that writes it cannot be repeated into a second one.
 */
const meetingChangedJob = (
  ports: MeetingPorts,
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
 * Runs a meeting-changed job (the outbox delivers it after the change committed; it may run twice).
 * 1. The reminder schedule follows the meeting as it is now: created or moved for a published meeting,
 *    deleted otherwise. Both are idempotent, and whichever job runs last leaves it right.
 * 2. A cancellation mails everyone registered or waiting; an update mails the confirmed participants, unless
 *    a later move superseded it (that one's job mails them). Mail ids derive from the meeting's sequence and
 *    the registration, so a second run queues none twice.
 */
export const applyMeetingChange = async (ports: MeetingPorts, job: MeetingChangedJob): Promise<void> => {
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

const promotionsFor = async (ports: MeetingPorts, current: Meeting, next: Meeting): Promise<Promotion[]> => {
  if (next.status !== 'published') return [];
  const free = Math.min(
    next.capacity - current.confirmedCount,
    current.waitingCount,
    promotionsPerTransaction,
  );
  if (free <= 0) return [];
  const head = await ports.store.waitingHead(current.meetingId, free);
  return head.map((waiting) => promote(ports, next, waiting));
};

/** Promotes the people waiting while seats are free, one bounded transaction at a time. */
const fillFreeSeats = async (ports: MeetingPorts, meetingId: string): Promise<Meeting> => {
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
  return organiserMeeting(ports.store, meetingId);
};

/**
 * Publishing makes a draft visible and opens it for registration at its opening time; its reminder is
 * scheduled by the job written with it.
 */
export const publishMeeting = async (
  ports: MeetingPorts,
  meetingId: string,
  expectedVersion?: number,
): Promise<Meeting> => {
  const published = await untilCommitted(contendedRounds, async () => {
    const current = await organiserMeeting(ports.store, meetingId);
    if (expectedVersion !== undefined && current.version !== expectedVersion) throw new StaleVersion();
    if (current.status === 'published') return current;
    if (current.status === 'cancelled')
      throw new MeetingConflict('Een geannuleerde bijeenkomst kan niet meer worden gepubliceerd.');
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
      job: meetingChangedJob(ports, next, 'published', false),
    });
    return next;
  });
  return published;
};

/**
 * Cancelling a meeting: it stays visible as cancelled; everyone registered or waiting gets one mail.
 * 1. Cancelled already → nothing, and no mail.
 * 2. The status changes (conditional on the version) with a job in the same transaction, which deletes the
 *    reminder schedule and mails everyone (applyMeetingChange).
 */
export const cancelMeeting = (
  ports: MeetingPorts,
  meetingId: string,
  expectedVersion?: number,
): Promise<Meeting> =>
  untilCommitted(contendedRounds, async () => {
    const current = await organiserMeeting(ports.store, meetingId);
    // Cancelled already: its job did (or will do) everything; a second one would mail everyone again.
    if (current.status === 'cancelled') return current;
    if (expectedVersion !== undefined && current.version !== expectedVersion) throw new StaleVersion();
    const at = ports.clock.now().toISOString();
    const next: Meeting = {
      ...current,
      status: 'cancelled',
      cancelledAt: at,
      updatedAt: at,
      version: current.version + 1,
      sequence: current.sequence + 1,
    };
    await ports.store.updateMeeting({
      previous: current,
      next,
      job: meetingChangedJob(ports, next, 'cancelled', current.publishedAt !== undefined),
    });
    return next;
  });

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
export const sendMeetingReminders = async (
  ports: MeetingPorts,
  meetingId: string,
): Promise<{ queued: number }> => {
  const meeting = await ports.store.getMeeting(meetingId);
  const now = ports.clock.now().getTime();
  if (meeting?.status !== 'published' || now >= Date.parse(meeting.startsAt)) return { queued: 0 };
  if (now < reminderAt(meeting).getTime() - reminderTolerance) return { queued: 0 };
  const cutoff = (await ports.store.firstReminderRun(meetingId, new Date(now))).getTime();
  const rows = await ports.store.listRegistrations(meetingId);
  const mails = rows
    .map((row) => row.registration)
    .filter(
      (registration) =>
        registration.status === 'confirmed' &&
        Date.parse(registration.confirmedAt ?? registration.registeredAt) <= cutoff,
    )
    .map((registration) =>
      meetingMail(ports, 'meeting-reminder', meeting, registration, {
        mailId: `meeting-reminder-${meetingId}-${registration.registrationId}`,
      }),
    );
  await ports.store.queueMailsOnce(mails);
  return { queued: mails.length };
};
