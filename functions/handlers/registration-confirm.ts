import { tokens } from '../composition/keys';
import { registrations } from '../composition/meeting-registrations';
import { confirmRegistration } from '../core/meetings/registration-requests';
import { httpRoute } from './http/edge';
import { linkToken, parseFormBody } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';
import { registrationOutcomePage } from './views/registrations';

/**
 * The confirm page's button: a seat or a waiting place, and the page says which, with the place in line as
 * stored. Confirming again changes nothing and says so.
 */
export const handler = httpRoute(async (event) => {
  await parseFormBody(event);
  const { id } = await (await tokens()).verify(linkToken(event), 'confirm-registration');
  const ports = await registrations();
  const { meeting, ...outcome } = await confirmRegistration(ports, id);
  return page(200, await registrationOutcomePage(meeting, outcome, ports.clock.now()), tokenPageHeaders);
});
