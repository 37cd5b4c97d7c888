import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  type Suppression,
  type SuppressionAdminStore,
  type SuppressionPage,
  suppressionPlace,
} from '../../core/mailings/suppression-admin';
import { ConcurrentChange } from '../../core/ports';
import { transactRecorded } from './audited-writes';
import { newestFirst } from './newest-first';
import { keys } from './table-design';
import { TransactionConditionFailed } from './transactions';

const suppressionItem = z.object({
  personId: z.string(),
  reason: z.enum(['hard-bounce', 'complaint', 'soft-bounces']),
  suppressedAt: z.string(),
  feedbackId: z.optional(z.string()),
});

/** The item's suppression; one written before it carried its person id names them in its key. */
const suppressionOf = (item: Record<string, unknown>): Suppression => {
  const { feedbackId, ...rest } = suppressionItem.parse({
    ...item,
    personId: item.personId ?? String(item.PK).slice(keys.person('').PK.length),
  });
  return { ...rest, ...(feedbackId !== undefined ? { feedbackId } : {}) };
};

/** The suppression list for admins (core/mailings/suppression-admin.ts): listed newest first, and lifted. */
export class DynamoSuppressionAdmin implements SuppressionAdminStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list({
    before,
    limit,
  }: {
    readonly before?: string;
    readonly limit: number;
  }): Promise<SuppressionPage> {
    const Items = await newestFirst(this.client, this.tableName, {
      partition: keys.suppressions().GSI1PK,
      ...(before ? { before } : {}),
      limit: limit + 1,
    });
    const items = Items.slice(0, limit).map(suppressionOf);
    const last = items.at(-1);
    return { items, nextBefore: Items.length > limit && last ? suppressionPlace(last) : null };
  }

  async get(personId: string): Promise<Suppression | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.suppression(personId), ConsistentRead: true }),
    );
    return Item ? suppressionOf(Item) : undefined;
  }

  async lift(suppression: Suppression): Promise<void> {
    const { personId } = suppression;
    try {
      await transactRecorded(
        this.client,
        this.tableName,
        [
          {
            Delete: {
              TableName: this.tableName,
              Key: keys.suppression(personId),
              // The suppression read: a newer one (SES reported again meanwhile) is not lifted unseen.
              ConditionExpression: 'suppressedAt = :at',
              ExpressionAttributeValues: { ':at': suppression.suppressedAt },
            },
          },
          { Delete: { TableName: this.tableName, Key: keys.softBounces(personId) } },
        ],
        { kind: 'suppression', targetId: personId, before: suppression, personId },
      );
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
      throw error;
    }
  }
}
