import { DynamoSuppressionList } from '../adapters/dynamo/suppression-list';
import { once } from './once';
import { dynamo, tableName } from './table';

/** Addresses that bounced or complained, by person id: checked before every send, written from SES events. */
export const suppressions = once(() => new DynamoSuppressionList(dynamo(), tableName));
