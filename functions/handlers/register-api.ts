import { app } from '../composition';
import { registerForMeeting } from '../core/meetings/use-cases';
import { httpRoute } from './http/edge';
import { parseJsonBody } from './http/request';
import { json } from './http/respond';
import { registrationRequest, toRegistrationRequest } from './inputs/meetings';

/**
 * Registering again answers exactly like the first time (same status code and body shape) and creates
 * nothing; the body never carries a token (the cancel link goes by mail only).
 */
export const handler = httpRoute(async (event) => {
  const request = toRegistrationRequest(parseJsonBody(event, registrationRequest));
  const outcome = await registerForMeeting(
    await app.registrations(),
    event.pathParameters?.id ?? '',
    request,
  );
  return json(200, { status: outcome.status, position: outcome.position ?? null });
});
