import { DynamoMeetingRegistrations } from '../adapters/dynamo/meeting-registrations';
import type { RegistrationPorts } from '../core/meetings/registration';
import type { RegistrationRequestPorts } from '../core/meetings/registration-requests';
import { once } from './once';
import { personIds } from './person-ids';
import { clock, ids } from './process';
import { dynamo, tableName } from './table';

const store = once(() => new DynamoMeetingRegistrations(dynamo(), tableName));

/** Asking to register, confirming, registering: the person is keyed with the secret. */
export const registrations = async (): Promise<RegistrationPorts & RegistrationRequestPorts> => ({
  store: store(),
  clock,
  ids,
  personIds: await personIds(),
});

/** Running a registration request's job (the delivery): no address is keyed, so no secret is read. */
export const registrationRequests = (): Omit<RegistrationRequestPorts, 'personIds'> => ({
  store: store(),
  clock,
  ids,
});
