import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredMailing } from '../../core/mailings/drafts';
import { ConcurrentChange } from '../../core/ports';
import type { ImportStore, SubscriberImport } from '../../core/subscriptions/import';
import { writeRecorded } from './audited-writes';
import { mailingItem } from './mailing-store';
import { keys } from './table-design';
import { TransactionConditionFailed, transactWrite } from './transactions';

/** A write conditional on the import being as it was read: the same status and start. */
const asRead = (previous: SubscriberImport) => ({
  ConditionExpression: 'startedAt = :startedAt AND #status = :status',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':startedAt': previous.startedAt, ':status': previous.status },
});

/**
 * Subscriber imports in the single table (table-design.ts: `subscriber import`): one item each, with no
 * address in it — the source stated, the topics, the evidence, who ran it and its report by line. Every write
 * is conditional on the status and start read. The organiser's audit entry (kind `subscriber-import`) goes
 * with the start (or the takeover), before any person is written; the last write, which creates the
 * confirmation mailing in the same transaction, is the import's own.
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
    return this.put(record, undefined, { ConditionExpression: 'attribute_not_exists(PK)' });
  }

  replace(previous: SubscriberImport, next: SubscriberImport): Promise<void> {
    return this.put(next, previous, asRead(previous));
  }

  /** The import's own bookkeeping between rounds, not an organiser's action: no audit entry. */
  async release(previous: SubscriberImport): Promise<void> {
    try {
      await transactWrite(this.client, [
        {
          Put: {
            TableName: this.tableName,
            Item: this.item({ ...previous, status: 'interrupted' }),
            ...asRead(previous),
          },
        },
      ]);
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
      throw error;
    }
  }

  async finish(previous: SubscriberImport, done: SubscriberImport, mailing?: StoredMailing): Promise<void> {
    try {
      await transactWrite(this.client, [
        { Put: { TableName: this.tableName, Item: this.item(done), ...asRead(previous) } },
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
      ]);
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
      throw error;
    }
  }

  private item(record: SubscriberImport): Record<string, unknown> {
    return { ...keys.subscriberImport(record.importId), entity: 'SubscriberImport', ...record };
  }

  /** A start or a takeover (or its end as interrupted): the organiser's action, with its audit entry. */
  private async put(
    record: SubscriberImport,
    previous: SubscriberImport | undefined,
    condition: {
      ConditionExpression: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<void> {
    try {
      await writeRecorded(
        this.client,
        this.tableName,
        { Put: { TableName: this.tableName, Item: this.item(record), ...condition } },
        {
          kind: 'subscriber-import',
          targetId: record.importId,
          ...(previous ? { before: previous } : {}),
          after: record,
        },
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentChange();
      throw error;
    }
  }
}
