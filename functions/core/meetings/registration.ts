import { contendedRounds, untilCommitted } from '../concurrency';
import { DomainError, InvalidInput } from '../errors';
import type { OutboxMail } from '../mailings/outbox';
import { type MailRate, type MailRateChange, nextMailRate } from '../people/mail-rate';
import { normaliseAddress, type PersonIds } from '../people/person-id';
import type { Clock, IdGenerator } from '../ports';
import { meets } from './capacity';
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
 * Registering for a meeting: a seat, a place on the waiting list, or the same answer (and its mail) again.
 * Cancelling is cancellation.ts; the organiser's side is lifecycle.ts.
 */

export interface RegistrationStore {
  /** Strongly consistent: decisions are taken on it. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined>;
  /** 1-based rank among the people still waiting. */
  waitingPosition(meetingId: string, waitingKey: string): Promise<number>;
  commitRegistration(change: RegistrationChange): Promise<void>;
  loadMailRate(personId: string): Promise<MailRate>;
  /** A mail sent again on the person's request, with the mail-rate change, in one conditional transaction. */
  commitResend(personId: string, mailRate: MailRateChange, mail: OutboxMail): Promise<void>;
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

const outcomeOf = async (
  store: RegistrationStore,
  registration: Registration,
): Promise<RegistrationOutcome> =>
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
 *    Which of these applies is the capacity rule (capacity.ts), decided on the meeting as read.
 * 4. The registration, the counters, the waiting place, the needs and the mail are one transaction,
 *    conditional on the same rule still holding (a seat still free, or the meeting still full): never
 *    overbooked.
 */
export const registerForMeeting = async (
  ports: RegistrationPorts,
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
        await ports.store.commitResend(
          personId,
          rate,
          meetingMail(kind, meeting, existing, {
            mailId: ports.ids.next(),
            createdAt: ports.clock.now().toISOString(),
          }),
        );
      }
      return outcomeOf(ports.store, existing);
    }
    const requires = meets(meeting, 'seat-free') ? 'seat-free' : meets(meeting, 'full') ? 'full' : undefined;
    if (!requires) throw new MeetingFull();
    const seatFree = requires === 'seat-free';
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
      requires,
      ...(existing ? { previous: existing } : {}),
      next: registration,
      ...(meeting.questions.needs && (request.needs?.dietary || request.needs?.accessibility)
        ? { needs: request.needs }
        : {}),
      mails: [
        meetingMail(seatFree ? 'registration-confirmed' : 'registration-waiting', meeting, registration, {
          mailId: ports.ids.next(),
          createdAt: ports.clock.now().toISOString(),
        }),
      ],
    });
    return outcomeOf(ports.store, registration);
  });
};
