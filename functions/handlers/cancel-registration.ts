import { cancellations } from '../composition/meeting-cancellations';
import { cancelRegistration } from '../core/meetings/cancellation';
import { renderRegistrationCancelled } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { linkToken, parseFormBody } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

export const handler = httpRoute(async (event) => {
  await parseFormBody(event);
  const { meeting } = await cancelRegistration(await cancellations(), linkToken(event));
  return page(200, renderRegistrationCancelled(meeting), tokenPageHeaders);
});
