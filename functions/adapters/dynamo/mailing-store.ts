import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MailingPage, MailingStore, StoredMailing } from '../../core/mailings/drafts';
import { type Mailing, StaleMailing } from '../../core/mailings/mailing';
import { ConcurrentChange } from '../../core/ports';
import { writeRecorded } from './audited-writes';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import { keys } from './table-design';

/**
 * Mailings in the single table (table-design.ts: `mailing`): one item each, with what its content rendered to
 * and its GSI1 listing, newest first. Every write is conditional on what the use case read.
 */
export class DynamoMailingStore implements MailingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(mailingId: string): Promise<StoredMailing | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.mailing(mailingId), ConsistentRead: true }),
    );
    return Item ? storedOf(Item) : undefined;
  }

  async create(stored: StoredMailing): Promise<void> {
    try {
      await writeRecorded(
        this.client,
        this.tableName,
        {
          Put: {
            TableName: this.tableName,
            Item: mailingItem(stored),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        { kind: 'mailing', targetId: stored.mailing.mailingId, after: stored.mailing },
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConcurrentChange();
      throw error;
    }
  }

  async replace(previous: Mailing, next: StoredMailing): Promise<void> {
    await this.conditionally(() =>
      writeRecorded(
        this.client,
        this.tableName,
        { Put: { TableName: this.tableName, Item: mailingItem(next), ...writtenAsRead(previous) } },
        { kind: 'mailing', targetId: previous.mailingId, before: previous, after: next.mailing },
      ),
    );
  }

  async delete(previous: Mailing): Promise<void> {
    await this.conditionally(() =>
      writeRecorded(
        this.client,
        this.tableName,
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.mailing(previous.mailingId),
            ...writtenAsRead(previous),
          },
        },
        { kind: 'mailing', targetId: previous.mailingId, before: previous },
      ),
    );
  }

  async list({ cursor, limit }: { readonly cursor?: string; readonly limit: number }): Promise<MailingPage> {
    const listing = keys.mailings();
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': listing.GSI1PK },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeListCursor(cursor, listing.GSI1PK) } : {}),
      }),
    );
    return {
      items: Items.map((item: Record<string, unknown>) => storedOf(item).mailing),
      nextCursor: encodeListCursor(LastEvaluatedKey),
    };
  }

  /**
   * The ids of the mailings the sender works on (sending, or waiting for quota): the mailings' listing,
   * filtered. A few hundred mailings a decade: one page, read every few seconds while a sender runs.
   */
  async active(): Promise<readonly string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          FilterExpression: '#status IN (:sending, :waiting)',
          ProjectionExpression: 'mailingId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': keys.mailings().GSI1PK,
            ':sending': 'sending',
            ':waiting': 'waiting-for-quota',
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      ids.push(...Items.map((item) => String(item.mailingId)));
      start = LastEvaluatedKey;
    } while (start);
    return ids;
  }

  /** A write conditional on what was read: a failed condition means someone else wrote first (412). */
  private async conditionally(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new StaleMailing();
      throw error;
    }
  }
}

/** The condition of a write that follows a read: the same version and the same status. */
export const writtenAsRead = (previous: Mailing) => ({
  ConditionExpression: 'version = :version AND #status = :status',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':version': previous.version, ':status': previous.status },
});

/** The mailing's own attributes at the top of the item (the conditions name them), its rendering beside. */
export const mailingItem = ({ mailing, rendered }: StoredMailing): Record<string, unknown> => ({
  ...mailing,
  ...keys.mailing(mailing.mailingId),
  ...keys.mailingListing(mailing.createdAt, mailing.mailingId),
  entity: 'Mailing',
  rendered,
});

/** Written by this module only, so its shape is known: the item less its keys is the mailing. */
const storedOf = (item: Record<string, unknown>): StoredMailing => {
  const { PK: _pk, SK: _sk, GSI1PK: _gpk, GSI1SK: _gsk, entity: _entity, rendered, ...mailing } = item;
  return { mailing: mailing as unknown as Mailing, rendered: rendered as StoredMailing['rendered'] };
};
