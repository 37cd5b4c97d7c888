import { registrations } from '../composition/meeting-registrations';
import type { RegistrationRequestedBody } from '../contract/schemas/meetings';
import { requestRegistration } from '../core/meetings/registration-requests';
import { httpRoute } from './http/edge';
import { parseJsonBody } from './http/request';
import { json } from './http/respond';
import { registrationRequest, toRegistrationRequest } from './inputs/registrations';

/**
 * A registration request: 202 and the same body for every address, whatever its state; the mailed link
 * confirms it (registration-confirm.ts). The body never carries a token.
 */
export const handler = httpRoute(async (event) => {
  const request = toRegistrationRequest(parseJsonBody(event, registrationRequest));
  await requestRegistration(await registrations(), event.pathParameters?.id ?? '', request);
  return json(202, {
    status: 'requested',
    detail: 'Check je mail: bevestig je aanmelding met de link in de e-mail die we je sturen.',
  } satisfies RegistrationRequestedBody);
});
