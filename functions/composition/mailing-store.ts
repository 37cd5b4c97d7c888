import { DynamoMailingStore } from '../adapters/dynamo/mailing-store';
import { once } from './once';
import { dynamo, tableName } from './table';

/** The mailings in the table, for the routes that read, list or delete them (no renderer in their bundle). */
export const mailingStore = once(() => new DynamoMailingStore(dynamo(), tableName));
