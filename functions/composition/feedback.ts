import { DynamoOutboxLedger } from '../adapters/dynamo/outbox-ledger';
import type { FeedbackPorts } from '../core/mailings/suppression';
import { personIds } from './keys';
import { suppressions } from './suppressions';
import { dynamo, tableName } from './table';

/** Applying SES events: the addresses they name are keyed with the secret. */
export const feedback = async (): Promise<FeedbackPorts> => ({
  suppressions: suppressions(),
  ledger: new DynamoOutboxLedger(dynamo(), tableName),
  personIds: await personIds(),
});
