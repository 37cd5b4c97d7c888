import { registrations } from '../composition/meeting-registrations';
import { registerForMeeting } from '../core/meetings/registration';
import { httpRoute } from './http/edge';
import { parseJsonBody } from './http/request';
import { json } from './http/respond';
import { registrationRequest, toRegistrationRequest } from './inputs/registrations';

/**
 * Registering again answers exactly like the first time (same status code and body shape) and creates
 * nothing; the body never carries a token (the cancel link goes by mail only).
 */
export const handler = httpRoute(async (event) => {
  const request = toRegistrationRequest(parseJsonBody(event, registrationRequest));
  const outcome = await registerForMeeting(await registrations(), event.pathParameters?.id ?? '', request);
  return json(200, { status: outcome.status, position: outcome.position ?? null });
});
