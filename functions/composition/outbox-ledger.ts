import { DynamoOutboxLedger } from '../adapters/dynamo/outbox-ledger';
import { once } from './once';
import { dynamo, tableName } from './table';

/** The delivery state of outbox entries: claims, outcomes, what is due; SES events settle it too. */
export const outboxLedger = once(() => new DynamoOutboxLedger(dynamo(), tableName));
