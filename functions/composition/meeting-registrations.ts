import { DynamoMeetingRegistrations } from '../adapters/dynamo/meeting-registrations';
import type { RegistrationPorts } from '../core/meetings/registration';
import { once } from './once';
import { personIds } from './person-ids';
import { clock, ids } from './process';
import { dynamo, tableName } from './table';

const store = once(() => new DynamoMeetingRegistrations(dynamo(), tableName));

/** Registering for a meeting: the person is keyed with the secret. */
export const registrations = async (): Promise<RegistrationPorts> => ({
  store: store(),
  clock,
  ids,
  personIds: await personIds(),
});
