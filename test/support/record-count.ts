import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { keys, requestCountKeyPrefix } from '../../functions/adapters/dynamo/table-design';
import type { TestSystem } from './system';

/**
 * How many records the test system's table holds: every item but the per-second counts of transactional
 * sends (`SENDS`), which count mails that went out, and the counts of public POSTs at the door (`LIMIT#…`),
 * which count requests, bad ones too: neither is anybody's record. Tests that check "nothing was written"
 * compare two of these.
 */
export const recordCount = async (system: Pick<TestSystem, 'documentClient' | 'tableName'>) =>
  (
    await system.documentClient.send(
      new ScanCommand({
        TableName: system.tableName,
        Select: 'COUNT',
        FilterExpression: 'PK <> :sends AND NOT begins_with(PK, :requests)',
        ExpressionAttributeValues: {
          ':sends': keys.transactionalSends(0).PK,
          ':requests': requestCountKeyPrefix,
        },
      }),
    )
  ).Count;
