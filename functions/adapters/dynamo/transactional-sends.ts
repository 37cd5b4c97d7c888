import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactionalSends } from '../../core/mailings/pacing';
import { transactionalSendCountSeconds } from '../../core/retention';
import { keys } from './table-design';

/**
 * Transactional mail counted per second (table-design.ts: `transactional sends`): one item per second, an
 * atomic ADD per send. Low volume by nature (a confirmation, a reminder); the mailing sender reads the
 * seconds since its last look, one Query, about every half second.
 */
export class DynamoTransactionalSends implements TransactionalSends {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async count(at: Date): Promise<void> {
    const second = Math.floor(at.getTime() / 1000);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.transactionalSends(second),
        UpdateExpression: 'ADD sends :one SET expiresAt = :expiresAt',
        ExpressionAttributeValues: {
          ':one': 1,
          ':expiresAt': second + transactionalSendCountSeconds,
        },
      }),
    );
  }

  async perSecond(fromSecond: number, toSecond: number): Promise<readonly number[]> {
    const counts: number[] = [];
    if (toSecond <= fromSecond) return counts;
    let start: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.transactionalSends(fromSecond).PK,
            ':from': keys.transactionalSends(fromSecond).SK,
            ':to': keys.transactionalSends(toSecond - 1).SK,
          },
          ProjectionExpression: 'sends',
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of Items) if (typeof item.sends === 'number') counts.push(item.sends);
      start = LastEvaluatedKey;
    } while (start);
    return counts;
  }
}
