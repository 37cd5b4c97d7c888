import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Deliverability, FeedbackChange, SuppressionList } from '../../core/mailings/suppression';
import { ConcurrentChange } from '../../core/ports';
import { sesFeedbackMarkerSeconds, softBounceSeconds } from '../../core/retention';
import { keys, listedForPerson } from './table-design';
import { type TransactItem, TransactionConditionFailed, transactWrite } from './transactions';

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * The suppression list in the single table, under the person's key: SUPPRESSED (never mail), SOFTBOUNCES
 * (the count since the last delivery) and one FEEDBACK#<id> marker per applied SES report, written in the
 * same transaction as its effect, so a redelivered report changes nothing.
 */
export class DynamoSuppressionList implements SuppressionList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async isSuppressed(personId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.suppression(personId),
        ProjectionExpression: 'PK',
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async deliverability(personId: string): Promise<Deliverability> {
    const read = (key: { PK: string; SK: string }) =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const [suppression, soft] = await Promise.all([
      read(keys.suppression(personId)),
      read(keys.softBounces(personId)),
    ]);
    const count =
      soft.Item && Number(soft.Item.expiresAt ?? 0) > epochSeconds(new Date()) ? soft.Item.count : 0;
    return {
      suppressed: suppression.Item !== undefined,
      softBounces: Number(count ?? 0),
      version: Number(soft.Item?.version ?? 0),
    };
  }

  async apply(change: FeedbackChange): Promise<'applied' | 'duplicate'> {
    const { personId, feedbackId, at } = change;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: listedForPerson({
            ...keys.sesFeedback(personId, feedbackId),
            entity: 'SesFeedback',
            appliedAt: at.toISOString(),
            expiresAt: epochSeconds(at) + sesFeedbackMarkerSeconds,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    if (change.softBounces) {
      const { count, previousVersion } = change.softBounces;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: listedForPerson({
            ...keys.softBounces(personId),
            entity: 'SoftBounces',
            count,
            version: previousVersion + 1,
            lastAt: at.toISOString(),
            expiresAt: epochSeconds(at) + softBounceSeconds,
          }),
          ...(previousVersion > 0
            ? {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': previousVersion },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      });
    }
    if (change.suppress) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: listedForPerson({
            ...keys.suppression(personId),
            ...keys.suppressionListing(at.toISOString(), personId),
            entity: 'Suppression',
            personId,
            reason: change.suppress,
            feedbackId,
            suppressedAt: at.toISOString(),
          }),
        },
      });
    }
    try {
      await transactWrite(this.client, items);
      return 'applied';
    } catch (error) {
      if (!(error instanceof TransactionConditionFailed)) throw error;
      // The marker is item 0: this report was applied before. Anything else: the count moved meanwhile.
      if (error.failedItems.includes(0)) return 'duplicate';
      throw new ConcurrentChange();
    }
  }
}
