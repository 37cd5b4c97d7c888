import type { Clock, IdGenerator } from '../ports';
import { meetingMail } from './mail-data';
import type { Meeting, Registration } from './model';
import type { Promotion } from './ports';

/**
 * The first person waiting, confirmed, with the mail that tells them: written in the same transaction as
 * the change that freed their seat (a cancellation, or the organiser raising the capacity).
 */
export const promote = (
  ports: { readonly clock: Clock; readonly ids: IdGenerator },
  meeting: Meeting,
  waiting: Registration,
): Promotion => {
  const at = ports.clock.now().toISOString();
  const { waitingKey: _, ...rest } = waiting;
  const next: Registration = { ...rest, status: 'confirmed', confirmedAt: at, version: waiting.version + 1 };
  return {
    previous: waiting,
    next,
    mail: meetingMail('registration-promoted', meeting, next, {
      mailId: ports.ids.next(),
      createdAt: ports.clock.now().toISOString(),
    }),
  };
};
