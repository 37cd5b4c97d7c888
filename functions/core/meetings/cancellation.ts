import { contendedRounds, untilCommitted } from '../concurrency';
import { DomainError, InvalidToken } from '../errors';
import type { Clock, IdGenerator } from '../ports';
import type { TokenSigner } from '../tokens';
import { meetingMail, parseCancelTokenId } from './mail-data';
import type { Meeting, Registration } from './model';
import type { RegistrationChange } from './ports';
import { promote } from './promotion';

/**
 * A participant cancels their registration with the link from their mail; a confirmed seat goes to the
 * first person waiting in the same transaction.
 */

export interface CancellationStore {
  /** Strongly consistent: decisions are taken on it. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined>;
  /**
   * The first `limit` people waiting, first come first: a strongly consistent read. Throws
   * ConcurrentChange when one of them is being promoted or leaving at this moment.
   */
  waitingHead(meetingId: string, limit: number): Promise<readonly Registration[]>;
  commitRegistration(change: RegistrationChange): Promise<void>;
}

/** Checking a link needs the registration it names and its meeting, and the key that signed it. */
export interface CancelLinkPorts {
  readonly store: Pick<CancellationStore, 'getMeeting' | 'getRegistration'>;
  readonly tokens: TokenSigner;
}

export interface CancellationPorts extends CancelLinkPorts {
  readonly store: CancellationStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** A meeting that has ended: its registrations no longer change (409). */
export class MeetingOver extends DomainError {
  readonly code = 'meeting-over';
}

/** Checks a cancel link before its page is shown; a GET never cancels. */
export const registrationForCancelLink = async (
  ports: CancelLinkPorts,
  token: string,
): Promise<{ meeting: Meeting; registration: Registration }> => {
  const parsed = parseCancelTokenId((await ports.tokens.verify(token, 'cancel-registration')).id);
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
 * 2. Cancelled already → nothing (idempotent); the meeting over → MeetingOver (409), nothing changes.
 * 3. A confirmed seat is handed to the first person waiting in the same transaction, with their promotion
 *    mail; a waiting place is simply left. The cancellation mail goes along.
 */
export const cancelRegistration = async (
  ports: CancellationPorts,
  token: string,
): Promise<{ meeting: Meeting; outcome: 'cancelled' | 'already-cancelled' }> =>
  untilCommitted(contendedRounds, async () => {
    const { meeting, registration } = await registrationForCancelLink(ports, token);
    if (registration.status === 'cancelled') return { meeting, outcome: 'already-cancelled' };
    // Over is over: a seat freed after the end would promote someone to a meeting in the past.
    if (Date.parse(meeting.endsAt) <= ports.clock.now().getTime()) {
      throw new MeetingOver('Deze bijeenkomst is al voorbij: afmelden kan niet meer.');
    }
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
        meetingMail('registration-cancelled', meeting, next, {
          mailId: ports.ids.next(),
          createdAt: ports.clock.now().toISOString(),
          hadInvite: registration.status === 'confirmed',
        }),
      ],
    });
    return { meeting, outcome: 'cancelled' };
  });
