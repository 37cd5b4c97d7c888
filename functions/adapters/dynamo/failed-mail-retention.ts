import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FailedMailContent } from '../../core/mailings/failed-mail-retention';
import { keys } from './table-design';

/**
 * The content of failed outbox entries once their listing period is over (core/mailings/failed-mail-retention.ts):
 * a Query of the failed listing (GSI1, OUTBOX#failed, ordered by when they failed) up to the cutoff; each item
 * keeps its ledger record — the person's keyed hash, kind, times, attempts, failure — and loses the address,
 * the name and the data, and its listing. A job holds no personal data and only leaves the listing.
 */
export class DynamoFailedMailContent implements FailedMailContent {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async forgetFailedBefore(failedBefore: Date): Promise<number> {
    let changed = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      // Listed as `<failedAt>#<id>`: every one below `<cutoff>` failed before it.
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :before',
          ExpressionAttributeValues: {
            ':pk': keys.failedOutbox().GSI1PK,
            ':before': failedBefore.toISOString(),
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (await this.forget(item)) changed += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return changed;
  }

  private async forget(item: Record<string, unknown>): Promise<boolean> {
    const isMail = item.SK === keys.outboxMail('').SK;
    const personId = (item.recipient as { personId?: unknown } | undefined)?.personId;
    // The recipient is replaced by the person's keyed hash alone; a malformed one (no such hash) goes whole.
    const keep = isMail && typeof personId === 'string' ? { personId } : undefined;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: item.PK, SK: item.SK },
          UpdateExpression: [
            keep ? 'SET recipient = :recipient' : '',
            `REMOVE GSI1PK, GSI1SK${isMail ? `, #data${keep ? '' : ', recipient'}` : ''}`,
          ]
            .filter(Boolean)
            .join(' '),
          ConditionExpression: '#state = :failed AND GSI1SK = :listed',
          ExpressionAttributeNames: { '#state': 'state', ...(isMail ? { '#data': 'data' } : {}) },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':listed': item.GSI1SK,
            ...(keep ? { ':recipient': keep } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
