import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredMailing } from '../../core/mailings/drafts';
import { type Mailing, StaleMailing } from '../../core/mailings/mailing';
import type { OutboxMail } from '../../core/mailings/outbox';
import type { DigestStore } from '../../core/mailings/vooruitblik';
import { ConcurrentChange } from '../../core/ports';
import { DynamoMailingStore, mailingItem, writtenAsRead } from './mailing-store';
import { outboxPut } from './outbox';
import { keys } from './table-design';
import { TransactionConditionFailed, transactWrite } from './transactions';

/**
 * The Vooruitblik's mailings and the time of the last one sent (table-design.ts: `mailing`, `last
 * Vooruitblik`). A draft is created with the organisers' preview alerts in one transaction, and a digest
 * starts sending with the record of its time in another, so a crash never leaves one without the other.
 */
export class DynamoDigestStore implements DigestStore {
  readonly #mailings: DynamoMailingStore;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.#mailings = new DynamoMailingStore(client, tableName);
  }

  get(mailingId: string): Promise<StoredMailing | undefined> {
    return this.#mailings.get(mailingId);
  }

  replace(previous: Mailing, next: StoredMailing): Promise<void> {
    return this.#mailings.replace(previous, next);
  }

  async createDraft(stored: StoredMailing, alerts: readonly OutboxMail[]): Promise<void> {
    try {
      await transactWrite(this.client, [
        {
          Put: {
            TableName: this.tableName,
            Item: mailingItem(stored),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...alerts.map((mail) => outboxPut(this.tableName, mail)),
      ]);
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
      throw error;
    }
  }

  async startSending(previous: Mailing, next: StoredMailing): Promise<void> {
    try {
      await transactWrite(this.client, [
        { Put: { TableName: this.tableName, Item: mailingItem(next), ...writtenAsRead(previous) } },
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.lastDigest(),
              entity: 'LastDigest',
              lastSentFor: next.mailing.digestFor,
              newsUntil: next.mailing.createdAt,
            },
            // Never back in time: a late firing of an older digest leaves the newer record.
            ConditionExpression: 'attribute_not_exists(PK) OR lastSentFor < :sentFor',
            ExpressionAttributeValues: { ':sentFor': next.mailing.digestFor },
          },
        },
      ]);
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new StaleMailing();
      throw error;
    }
  }

  async newsUntil(): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.lastDigest(), ConsistentRead: true }),
    );
    return typeof Item?.newsUntil === 'string' ? Item.newsUntil : undefined;
  }
}
