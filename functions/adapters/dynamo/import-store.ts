import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredMailing } from '../../core/mailings/drafts';
import { ConcurrentChange } from '../../core/ports';
import type { ImportStore, SubscriberImport } from '../../core/subscriptions/import';
import { transactRecorded } from './audited-writes';
import { mailingItem } from './mailing-store';
import { keys } from './table-design';
import { TransactionConditionFailed } from './transactions';

/**
 * Subscriber imports in the single table (table-design.ts: `subscriber import`): one item each, with no
 * address in it — the source stated, the topics, the evidence, who ran it and its report by line. Every write
 * is conditional. The import's one audit entry (kind `subscriber-import`) goes with its last write, which
 * creates the confirmation mailing in the same transaction.
 */
export class DynamoImportStore implements ImportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(importId: string): Promise<SubscriberImport | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.subscriberImport(importId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { PK: _pk, SK: _sk, entity: _entity, ...record } = Item;
    return record as SubscriberImport;
  }

  begin(record: SubscriberImport): Promise<void> {
    return this.put(record, 'attribute_not_exists(PK)', {});
  }

  replace(previous: SubscriberImport, next: SubscriberImport): Promise<void> {
    return this.put(next, 'startedAt = :startedAt', { ':startedAt': previous.startedAt });
  }

  async finish(previous: SubscriberImport, done: SubscriberImport, mailing?: StoredMailing): Promise<void> {
    try {
      await transactRecorded(
        this.client,
        this.tableName,
        [
          {
            Put: {
              TableName: this.tableName,
              Item: this.item(done),
              ConditionExpression: 'startedAt = :startedAt',
              ExpressionAttributeValues: { ':startedAt': previous.startedAt },
            },
          },
          ...(mailing
            ? [
                {
                  Put: {
                    TableName: this.tableName,
                    Item: mailingItem(mailing),
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
              ]
            : []),
        ],
        { kind: 'subscriber-import', targetId: done.importId, before: previous, after: done },
      );
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
      throw error;
    }
  }

  private item(record: SubscriberImport): Record<string, unknown> {
    return { ...keys.subscriberImport(record.importId), entity: 'SubscriberImport', ...record };
  }

  private async put(
    record: SubscriberImport,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(record),
          ConditionExpression: condition,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentChange();
      throw error;
    }
  }
}
