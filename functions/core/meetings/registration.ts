import { contendedRounds, untilCommitted } from '../concurrency';
import { DomainError, InvalidInput, NotPermitted } from '../errors';
import type { Organiser } from '../organisers/identity';
import { normaliseAddress, type PersonIds } from '../people/person-id';
import type { Clock, IdGenerator } from '../ports';
import { registrationRequirement, waitingKeyOf } from './capacity';
import { publicMeeting } from './catalogue';
import { meetingMail } from './mail-data';
import {
  type Meeting,
  type Registration,
  type RegistrationAnswers,
  type RegistrationNeeds,
  registrationWindow,
} from './model';
import type { RegistrationChange } from './ports';

/**
 * Registering for a meeting: a seat, or a place on the waiting list, for an address that is confirmed. Asking
 * to register and confirming from the mail are registration-requests.ts; cancelling is cancellation.ts; the
 * organiser's side is lifecycle.ts.
 */

export interface RegistrationStore {
  /** Strongly consistent: decisions are taken on it. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined>;
  /** 1-based rank among the people still waiting. */
  waitingPosition(meetingId: string, waitingKey: string): Promise<number>;
  commitRegistration(change: RegistrationChange): Promise<void>;
}

export interface RegistrationPorts {
  readonly store: RegistrationStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly personIds: PersonIds;
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
  /** Registered (or waiting) before: nothing changed. */
  readonly already?: boolean;
  /** The registration as it stands (for its cancel link). */
  readonly registration: Registration;
}

/** How a registration is taken, besides the public confirmation. */
export interface RegistrationOptions {
  /**
   * Confirms the person's request: it is removed in the same transaction, and must still be there (of two
   * concurrent confirms, one wins).
   */
  readonly confirmsRequest?: boolean;
  /** An admin registers someone although the meeting is full: the seat is added to the capacity. */
  readonly overCapacity?: boolean;
}

export const assertOpen = (meeting: Meeting, now: Date): void => {
  if (meeting.status === 'cancelled') throw new RegistrationClosed('Deze bijeenkomst gaat niet door.');
  const window = registrationWindow(meeting, now);
  if (window === 'not-open-yet')
    throw new RegistrationClosed('Aanmelden voor deze bijeenkomst kan nog niet.');
  if (window === 'closed') throw new RegistrationClosed('Aanmelden voor deze bijeenkomst kan niet meer.');
};

/** The answers to the questions this meeting asks; each asked question except the needs is required. */
export const askedAnswers = (meeting: Meeting, request: RegistrationRequest): RegistrationAnswers => {
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

/** The answer about a registration as stored: a waiting one with its current place in line. */
export const registrationOutcome = async (
  store: RegistrationStore,
  registration: Registration,
  already = false,
): Promise<RegistrationOutcome> => ({
  ...(registration.status === 'waiting' && registration.waitingKey
    ? {
        status: 'waiting',
        position: await store.waitingPosition(registration.meetingId, registration.waitingKey),
      }
    : { status: 'confirmed' }),
  ...(already ? { already } : {}),
  registration,
});

/**
 * Takes a seat or a waiting place for someone whose address is confirmed: by the POST behind the mailed
 * link (confirmRegistration), through a personal link from one of our own mails, or by an organiser.
 * 1. The meeting must be public and its registration window open.
 * 2. Registered already → nothing changes, and the answer says so (`already`).
 * 3. A seat free and nobody waiting → confirmed; full, or others waiting, with a waiting list → waiting,
 *    last in line (the next ticket); full without → MeetingFull, unless an admin adds the seat.
 *    Which of these applies is the capacity rule (capacity.ts), decided on the meeting as read.
 * 4. The registration, the counters, the waiting place, the needs, the confirmed request's removal and the
 *    mail are one transaction, conditional on the same rule still holding: never overbooked, and the place
 *    told is the place stored.
 */
export const registerForMeeting = async (
  ports: RegistrationPorts,
  meetingId: string,
  request: RegistrationRequest,
  options: RegistrationOptions = {},
): Promise<RegistrationOutcome> => {
  const email = normaliseAddress(request.email);
  const personId = ports.personIds.of(email);
  return untilCommitted(contendedRounds, async () => {
    const meeting = await publicMeeting(ports.store, meetingId);
    const now = ports.clock.now();
    assertOpen(meeting, now);
    const answers = askedAnswers(meeting, request);
    const existing = await ports.store.getRegistration(meetingId, personId);
    if (existing && existing.status !== 'cancelled') return registrationOutcome(ports.store, existing, true);
    const found = registrationRequirement(meeting);
    // An admin's registration takes a seat even when there is none for the public (full, or owed to the
    // queue): the seat is added, so nobody waiting loses one.
    const addsSeat = found !== 'seat-free' && options.overCapacity === true && meeting.status === 'published';
    if (!found && !addsSeat) throw new MeetingFull();
    const seatFree = found === 'seat-free' || addsSeat;
    const requires = addsSeat ? 'none' : (found ?? 'none');
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
        : { status: 'waiting', waitingKey: waitingKeyOf((meeting.waitingTicket ?? 0) + 1) }),
    };
    await ports.store.commitRegistration({
      meeting,
      requires,
      ...(addsSeat ? { addsSeat } : {}),
      ...(existing ? { previous: existing } : {}),
      next: registration,
      ...(meeting.questions.needs && (request.needs?.dietary || request.needs?.accessibility)
        ? { needs: request.needs }
        : {}),
      request: { meetingId, personId, mustExist: options.confirmsRequest === true },
      mails: [
        meetingMail(seatFree ? 'registration-confirmed' : 'registration-waiting', meeting, registration, {
          mailId: ports.ids.next(),
          createdAt: ports.clock.now().toISOString(),
        }),
      ],
    });
    return registrationOutcome(ports.store, registration);
  });
};

/**
 * An organiser registers someone (by phone, at the door): the same rules and the same mail, without the
 * confirmation by mail (the organiser vouches for the address). Only an admin may add a seat to a full meeting.
 */
export const registerByOrganiser = (
  ports: RegistrationPorts,
  organiser: Organiser,
  meetingId: string,
  request: RegistrationRequest,
  { overCapacity = false }: { readonly overCapacity?: boolean } = {},
): Promise<RegistrationOutcome> => {
  if (overCapacity && !organiser.groups.includes('admins')) {
    throw new NotPermitted('Alleen een beheerder kan iemand boven de capaciteit aanmelden.');
  }
  return registerForMeeting(ports, meetingId, request, { overCapacity });
};
