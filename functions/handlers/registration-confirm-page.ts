import { tokens } from '../composition/keys';
import { registrations } from '../composition/meeting-registrations';
import { publicMeeting } from '../core/meetings/catalogue';
import { registrationOutcome } from '../core/meetings/registration';
import { isCurrent, parsePendingKey, RequestExpired } from '../core/meetings/registration-requests';
import { renderRegistrationConfirmPage } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';
import { registrationOutcomePage } from './views/registrations';

/** The page the confirm link opens: what is being confirmed, and a button; a GET never registers. */
export const handler = httpRoute(async (event) => {
  const { id } = await (await tokens()).verify(linkToken(event), 'confirm-registration');
  const { meetingId, personId } = parsePendingKey(id);
  const ports = await registrations();
  const meeting = await publicMeeting(ports.store, meetingId);
  const registration = await ports.store.getRegistration(meetingId, personId);
  const now = ports.clock.now();
  if (registration && registration.status !== 'cancelled') {
    const outcome = await registrationOutcome(ports.store, registration, true);
    return page(200, await registrationOutcomePage(meeting, outcome, now), tokenPageHeaders);
  }
  const pending = await ports.store.getPending(meetingId, personId);
  if (!isCurrent(pending, now)) throw new RequestExpired();
  return page(200, renderRegistrationConfirmPage(meeting, pending.name), tokenPageHeaders);
});
