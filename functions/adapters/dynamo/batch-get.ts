import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from './table-design';

/** The most keys one BatchGetItem takes. */
export const batchGetLimit = 100;

/**
 * A strongly consistent BatchGet of up to `batchGetLimit` keys, with what DynamoDB left unprocessed asked
 * again (with backoff) until every key is answered. Items that do not exist are simply not returned.
 */
export const consistentBatchGet = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  wanted: readonly ItemKey[],
): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  let keysLeft: Record<string, unknown>[] | undefined = wanted.map((key) => ({ ...key }));
  for (let attempt = 0; keysLeft && keysLeft.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)));
    const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await client.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keysLeft, ConsistentRead: true } } }),
    );
    found.push(...(Responses?.[tableName] ?? []));
    keysLeft = UnprocessedKeys?.[tableName]?.Keys;
  }
  return found;
};
