import { contendedRounds, untilCommitted } from '../concurrency';
import { DomainError, NotFound } from '../errors';
import type { OutboxMail, RegistrationRequestedJob } from '../mailings/outbox';
import { type MailRate, type MailRateChange, nextMailRate } from '../people/mail-rate';
import { normaliseAddress, type PersonIds } from '../people/person-id';
import type { Clock, IdGenerator } from '../ports';
import { pendingRegistrationSeconds } from '../retention';
import { registrationRequirement } from './capacity';
import { publicMeeting } from './catalogue';
import { meetingMail } from './mail-data';
import type { Meeting, Registration, RegistrationAnswers, RegistrationNeeds } from './model';
import {
  askedAnswers,
  assertOpen,
  MeetingFull,
  type RegistrationOutcome,
  type RegistrationPorts,
  type RegistrationRequest,
  registerForMeeting,
  registrationOutcome,
} from './registration';

/**
 * Registering is confirmed from the mail (docs/architecture.md, "Registering"): the form and the API answer
 * "check your mail" whatever the address's state, and make the same table calls for every address. Which
 * mail follows — a link to confirm, or the registration the address already has — is decided after the
 * commit, by the job the request writes (runRegistrationRequest). Only the POST behind the mailed link takes
 * a seat or a waiting place (confirmRegistration, registration.ts), so nobody can fill a meeting with
 * invented addresses, and nothing a stranger sees tells whether an address is registered.
 */

/** A request waiting for its confirmation: it holds no seat and counts nowhere. One per person and meeting. */
export interface PendingRegistration {
  readonly meetingId: string;
  readonly personId: string;
  /** Unique per request: the newest request's answers win, and its job alone mails. */
  readonly requestId: string;
  readonly email: string;
  readonly name: string;
  readonly answers: RegistrationAnswers;
  readonly needs?: RegistrationNeeds;
  readonly requestedAt: string;
  /** 24 hours after the request, or when registration closes if that is sooner. */
  readonly expiresAt: string;
}

export interface RegistrationRequestStore {
  /** Strongly consistent. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  /**
   * Writes the request (replacing an earlier one of the same person and meeting) and its job in one
   * transaction: the same two items, whoever the address is.
   */
  savePending(pending: PendingRegistration, job: RegistrationRequestedJob, createdAt: string): Promise<void>;
  /** The request as stored, expired or not (the caller decides with its clock). */
  getPending(meetingId: string, personId: string): Promise<PendingRegistration | undefined>;
  /** Deletes the request, if there is one. */
  deletePending(meetingId: string, personId: string): Promise<void>;
  /** Whether the outbox holds a mail with this id (written, sent or not). */
  mailQueued(mailId: string): Promise<boolean>;
  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined>;
  loadMailRate(personId: string): Promise<MailRate>;
  /**
   * The mail with the mail-rate change, in one transaction: ConcurrentChange when the mail rate moved since
   * it was read, or the mail (its id is the job's) was written before.
   */
  commitResend(personId: string, mailRate: MailRateChange, mail: OutboxMail): Promise<void>;
}

export interface RegistrationRequestPorts {
  readonly store: RegistrationRequestStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly personIds: PersonIds;
}

/** The id a confirm link carries: the meeting and the person, never the address. */
export const pendingKey = (meetingId: string, personId: string): string => `${meetingId}.${personId}`;

export const parsePendingKey = (key: string): { meetingId: string; personId: string } => {
  const [meetingId, personId, ...rest] = key.split('.');
  if (!meetingId || !personId || rest.length) throw new NotFound('Deze aanmelding bestaat niet (meer).');
  return { meetingId, personId };
};

const expiryOf = (meeting: Meeting, now: Date): string =>
  new Date(
    Math.min(now.getTime() + pendingRegistrationSeconds * 1000, Date.parse(meeting.registrationClosesAt)),
  ).toISOString();

/** Whether a stored request still stands at `now`. */
export const isCurrent = (
  pending: PendingRegistration | undefined,
  now: Date,
): pending is PendingRegistration => pending !== undefined && Date.parse(pending.expiresAt) > now.getTime();

/**
 * Someone asks to register (form or API).
 * 1. The meeting must be public, its registration window open, a seat or its waiting list available, and
 *    the questions it asks answered: these depend on the meeting only, never on the address.
 * 2. The request is stored (the newest answers win), with a registration-requested job, in one transaction;
 *    nothing about the address is read. The answer is the same for everyone: check your mail.
 */
export const requestRegistration = async (
  ports: RegistrationRequestPorts,
  meetingId: string,
  request: RegistrationRequest,
): Promise<void> => {
  const meeting = await publicMeeting(ports.store, meetingId);
  const now = ports.clock.now();
  assertOpen(meeting, now);
  // Full without a waiting list: a fact of the meeting (the page says so too), not of the address.
  if (!registrationRequirement(meeting)) throw new MeetingFull();
  const answers = askedAnswers(meeting, request);
  const email = normaliseAddress(request.email);
  const personId = ports.personIds.of(email);
  const requestId = ports.ids.next();
  const needs = meeting.questions.needs && (request.needs?.dietary || request.needs?.accessibility);
  await ports.store.savePending(
    {
      meetingId,
      personId,
      requestId,
      email,
      name: request.name,
      answers,
      ...(needs && request.needs ? { needs: request.needs } : {}),
      requestedAt: now.toISOString(),
      expiresAt: expiryOf(meeting, now),
    },
    { kind: 'registration-requested', meetingId, personId, requestId },
    now.toISOString(),
  );
};

/**
 * Runs a registration-requested job, after the request committed (it may run twice).
 * 1. A newer request of the same person replaced this one, or it expired: nothing (the newer one mails).
 * 2. Registered or waiting already: the mail of that registration again, with its cancel link; otherwise the
 *    mail with the link that confirms the request.
 * 3. At most the person's hourly share of mails on their own request (core/people/mail-rate.ts): over it,
 *    nothing is sent — the form's answer was the same anyway.
 * The mail's id is the request's, so a second run writes no second mail; a run that meets another mail of
 * the same person at the same moment reads and decides again.
 * A request of someone registered already is deleted: it has nothing left to confirm.
 */
export const runRegistrationRequest = async (
  ports: Omit<RegistrationRequestPorts, 'personIds'>,
  job: RegistrationRequestedJob,
): Promise<void> => {
  const mailId = `registration-request-${job.requestId}`;
  // A conflict is another mail taking the person's share at the same moment (or this job's mail written by
  // an earlier run, which the next round finds): read and decide again, never drop the mail silently.
  await untilCommitted(contendedRounds, async () => {
    if (await ports.store.mailQueued(mailId)) return;
    const now = ports.clock.now();
    const [meeting, pending, registration] = await Promise.all([
      ports.store.getMeeting(job.meetingId),
      ports.store.getPending(job.meetingId, job.personId),
      ports.store.getRegistration(job.meetingId, job.personId),
    ]);
    if (!meeting || !isCurrent(pending, now) || pending.requestId !== job.requestId) return;
    const registered = registration !== undefined && registration.status !== 'cancelled';
    // Registered already: the request has nothing left to confirm, and must not count as pending.
    if (registered) await ports.store.deletePending(job.meetingId, job.personId);
    const rate = nextMailRate(await ports.store.loadMailRate(job.personId), now);
    if (!rate) return;
    const createdAt = now.toISOString();
    const mail = registered
      ? meetingMail(
          registration.status === 'waiting' ? 'registration-waiting' : 'registration-confirmed',
          meeting,
          registration,
          { mailId, createdAt },
        )
      : confirmMail(meeting, pending, { mailId, createdAt });
    await ports.store.commitResend(job.personId, rate, mail);
  });
};

const confirmMail = (
  meeting: Meeting,
  pending: PendingRegistration,
  { mailId, createdAt }: { mailId: string; createdAt: string },
): OutboxMail => ({
  mailId,
  kind: 'registration-request-confirm',
  recipient: { personId: pending.personId, address: pending.email, name: pending.name },
  data: {
    meetingId: meeting.meetingId,
    title: meeting.title,
    city: meeting.city,
    venueAddress: meeting.venueAddress,
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    expiresAt: pending.expiresAt,
  },
  createdAt,
});

/** The confirm link's request is gone: confirmed already elsewhere, replaced, or expired. */
export class RequestExpired extends DomainError {
  readonly code = 'request-expired';
  constructor() {
    super(
      'Deze bevestigingslink is verlopen of al gebruikt. Meld je opnieuw aan via de pagina van de bijeenkomst.',
    );
  }
}

/**
 * The POST behind the mailed confirm link (the key names the meeting and the person).
 * 1. Registered already (also by a first confirm a moment ago) → `already`, nothing changes.
 * 2. No current request (expired, or never) → RequestExpired.
 * 3. Otherwise registerForMeeting with the request's answers, removing the request in the same
 *    transaction: confirming twice takes one place.
 */
export const confirmRegistration = async (
  ports: RegistrationPorts & {
    readonly store: Pick<RegistrationRequestStore, 'getPending' | 'deletePending'>;
  },
  key: string,
): Promise<RegistrationOutcome & { readonly meeting: Meeting }> => {
  const { meetingId, personId } = parsePendingKey(key);
  const meeting = await publicMeeting(ports.store, meetingId);
  const existing = await ports.store.getRegistration(meetingId, personId);
  if (existing && existing.status !== 'cancelled') {
    await ports.store.deletePending(meetingId, personId);
    return { ...(await registrationOutcome(ports.store, existing, true)), meeting };
  }
  const pending = await ports.store.getPending(meetingId, personId);
  if (!isCurrent(pending, ports.clock.now())) throw new RequestExpired();
  // A concurrent confirm of the same link that commits first makes this one find the registration: `already`.
  return { ...(await registerForMeeting(ports, meetingId, pending, { confirmsRequest: true })), meeting };
};

/** The id an invitation link carries: the meeting and the person, never the address. */
export const invitationId = (meetingId: string, personId: string): string => `${meetingId}.${personId}`;

/** The person an invitation names, if it is an invitation to this meeting. */
export const invitedTo = (meetingId: string, id: string): string | undefined => {
  const [invitedMeeting, personId, ...rest] = id.split('.');
  return invitedMeeting === meetingId && personId && rest.length === 0 ? personId : undefined;
};

/**
 * The form opened from a personal link in one of our own mails (an announcement): the link names the meeting
 * and the person it was mailed to, so that person's address is confirmed already and takes a seat or a
 * waiting place in one step. Registered before — or any other address, or no valid link — it asks to
 * register as everyone does (requestRegistration: "check je mail", and the registration's mail again), so
 * a forwarded invitation tells nobody whether its recipient is registered.
 * Answers the registration when it was taken now, undefined when a mail follows.
 */
export const registerOrRequest = async (
  ports: RegistrationPorts & RegistrationRequestPorts,
  meetingId: string,
  request: RegistrationRequest,
  invitedPersonId: string | undefined,
): Promise<RegistrationOutcome | undefined> => {
  if (
    invitedPersonId !== undefined &&
    ports.personIds.of(normaliseAddress(request.email)) === invitedPersonId
  ) {
    const outcome = await registerForMeeting(ports, meetingId, request);
    if (!outcome.already) return outcome;
  }
  await requestRegistration(ports, meetingId, request);
  return undefined;
};
