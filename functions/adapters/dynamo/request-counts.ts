import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CountedKind, RequestCounter, RequestWindow } from '../../core/request-limits';
import { requestCountKeptSeconds } from '../../core/retention';
import { keys } from './table-design';

/**
 * Request counts (table-design.ts: `request count`): one item per subject and window, one atomic ADD per
 * request that returns the new count, so concurrent requests never both see the last place free. The item
 * expires a minute after its window; nothing reads it once the window is over.
 */
export class DynamoRequestCounter implements RequestCounter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async count(kind: CountedKind, subject: string, window: RequestWindow): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.requestCount(kind, subject, window.start),
        UpdateExpression: 'ADD requests :one SET entity = :entity, expiresAt = :expiresAt',
        ExpressionAttributeValues: {
          ':one': 1,
          ':entity': 'RequestCount',
          ':expiresAt': window.end + requestCountKeptSeconds,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const requests = Attributes?.requests;
    if (typeof requests !== 'number') throw new Error('The request count came back without its count');
    return requests;
  }
}
