import { registrations } from '../composition/meeting-registrations';
import type { OrganiserRegistrationOutcomeBody } from '../contract/schemas/meetings';
import { registerByOrganiser } from '../core/meetings/registration';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { organiserRegistration, toRegistrationRequest } from './inputs/registrations';

/** 201 with the seat or the place in line; 200 with `already` when the person was registered before. */
export const handler = organiserRoute(async (event) => {
  const { overCapacity, ...fields } = parseJsonBody(event, organiserRegistration);
  const outcome = await registerByOrganiser(
    await registrations(),
    organiserOf(event),
    event.pathParameters?.id ?? '',
    toRegistrationRequest(fields),
    { overCapacity: overCapacity === true },
  );
  return json(outcome.already ? 200 : 201, {
    status: outcome.status,
    position: outcome.position ?? null,
    already: outcome.already === true,
    registrationId: outcome.registration.registrationId,
  } satisfies OrganiserRegistrationOutcomeBody);
});
