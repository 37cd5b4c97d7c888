import { tokens } from '../../composition/keys';
import { siteUrl } from '../../composition/process';
import { InvalidToken } from '../../core/errors';
import type { Meeting } from '../../core/meetings/model';
import type { RegistrationOutcome } from '../../core/meetings/registration';
import { invitedTo } from '../../core/meetings/registration-requests';
import { registrationCancelUrl } from '../../web/mail/cancel-links';
import { renderAlreadyRegistered, renderRegistered } from '../../web/pages/meetings';
import { looksLikeToken } from '../http/request';

/**
 * The page after a registration was taken (confirmed from the mail, or in one step from an invitation): the
 * seat or the place in line as stored; registered before, "je bent al aangemeld" with the cancel link.
 */
export const registrationOutcomePage = async (
  meeting: Meeting,
  outcome: RegistrationOutcome,
  now: Date,
): Promise<string> => {
  if (!outcome.already) return renderRegistered({ meeting, ...outcome });
  const cancelUrl = registrationCancelUrl(
    { tokens: await tokens(), siteUrl },
    outcome.registration,
    meeting.endsAt,
    now.toISOString(),
  );
  return renderAlreadyRegistered(meeting, outcome.status, cancelUrl, outcome.position);
};

/**
 * The person a personal invitation to this meeting names (`uitnodiging`, a `register-invite` token from one
 * of our mails); undefined when there is none, it is for another meeting, or it does not check out (expired,
 * tampered): then the form asks for a confirmation by mail, as for everyone.
 */
export const invitedPersonId = async (
  token: string | null | undefined,
  meetingId: string,
): Promise<string | undefined> => {
  if (!looksLikeToken(token)) return undefined;
  try {
    return invitedTo(meetingId, (await (await tokens()).verify(token, 'register-invite')).id);
  } catch (error) {
    if (error instanceof InvalidToken) return undefined;
    throw error;
  }
};
