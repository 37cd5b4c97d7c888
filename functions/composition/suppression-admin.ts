import { DynamoSuppressionAdmin } from '../adapters/dynamo/suppression-admin';
import { once } from './once';
import { dynamo, tableName } from './table';

/** The suppression list for admins: listed, looked up and lifted (audited). */
export const suppressionAdmin = once(() => new DynamoSuppressionAdmin(dynamo(), tableName));
