import { DynamoFailedMailContent } from '../adapters/dynamo/failed-mail-retention';
import { DynamoRegistrationRetention } from '../adapters/dynamo/registration-retention';
import type { FailedMailRetentionPorts } from '../core/mailings/failed-mail-retention';
import type { RegistrationRetentionPorts } from '../core/meetings/registration-retention';
import { once } from './once';
import { clock, config } from './process';
import { dynamo, tableName } from './table';

/** The nightly retention job (core/retention.ts): registrations of long-past meetings, old failed mail. */
export const registrationRetention = once(
  (): RegistrationRetentionPorts => ({
    store: new DynamoRegistrationRetention(dynamo(), tableName),
    clock,
    retentionDays: config.REGISTRATION_RETENTION_DAYS,
  }),
);

export const failedMailRetention = once(
  (): FailedMailRetentionPorts => ({ failedMails: new DynamoFailedMailContent(dynamo(), tableName), clock }),
);
