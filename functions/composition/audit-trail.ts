import { DynamoAuditTrail } from '../adapters/dynamo/audit-trail-reader';
import { once } from './once';
import { dynamo, tableName } from './table';

/** The organisers' audit trail, for admins to read (writers write it with their changes). */
export const auditTrail = once(() => new DynamoAuditTrail(dynamo(), tableName));
