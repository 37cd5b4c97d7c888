import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

/**
 * One GSI1 list newest first, before a place in it (its sort key) if given: `limit` items at most. Callers
 * ask for one more than a page, so whether another follows is known, not guessed.
 */
export const newestFirst = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  {
    partition,
    before,
    limit,
  }: { readonly partition: string; readonly before?: string; readonly limit: number },
): Promise<Record<string, unknown>[]> => {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: before ? 'GSI1PK = :pk AND GSI1SK < :before' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': partition, ...(before ? { ':before': before } : {}) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items;
};
