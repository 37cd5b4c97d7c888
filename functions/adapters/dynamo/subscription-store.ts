import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { InvalidInput } from '../../core/errors';
import {
  audienceTopics,
  type Subscription,
  type SubscriptionStatus,
  subscriptionStatuses,
  type Topic,
  topics,
} from '../../core/subscriptions/model';
import {
  ConcurrentChange,
  type SubscriberCounts,
  type SubscriberListPage,
  type SubscriberListQuery,
  type SubscriberState,
  type SubscriptionChange,
  type SubscriptionStore,
} from '../../core/subscriptions/ports';
import { outboxPut } from './outbox';
import { keys } from './table-design';
import { type TransactItem, TransactionConditionFailed, transactWrite } from './transactions';

const subscriptionItem = z.object({
  personId: z.string(),
  email: z.string(),
  name: z.string().optional(),
  status: z.enum(subscriptionStatuses),
  topics: z.array(z.enum(topics)),
  consent: z.object({ at: z.string(), source: z.enum(['form', 'api']), textVersion: z.string() }),
  confirmationId: z.string().optional(),
  createdAt: z.string(),
  changedAt: z.string(),
  confirmedAt: z.string().optional(),
  unsubscribedAt: z.string().optional(),
  expiresAt: z.number().optional(),
  version: z.number(),
});

const toSubscription = (item: Record<string, unknown>): Subscription => subscriptionItem.parse(item);

/** The statuses kept by counter (pending ones expire outside any transaction and are counted by a Query). */
const countedStatuses: readonly SubscriptionStatus[] = ['active', 'unsubscribed'];

/** Counter deltas for one change: -1 for what the previous state counted, +1 for the next. */
const counterDeltas = (previous?: Subscription, next?: Subscription): Map<string, number> => {
  const deltas = new Map<string, number>();
  const count = (subscription: Subscription | undefined, by: number) => {
    if (!subscription || !countedStatuses.includes(subscription.status)) return;
    for (const name of [
      subscription.status,
      ...subscription.topics.map((t) => `${subscription.status}#${t}`),
    ]) {
      deltas.set(name, (deltas.get(name) ?? 0) + by);
    }
  };
  count(previous, -1);
  count(next, +1);
  for (const [name, delta] of deltas) if (delta === 0) deltas.delete(name);
  return deltas;
};

const cursorKey = z
  .object({ PK: z.string(), SK: z.string(), GSI1PK: z.string(), GSI1SK: z.string() })
  .strict();

const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

const decodeCursor = (cursor: string, status: SubscriptionStatus): Record<string, string> => {
  try {
    const key = cursorKey.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (key.GSI1PK !== keys.subscriptionsByStatus(status).GSI1PK) throw new Error('cursor of another list');
    return key;
  } catch {
    throw new InvalidInput([{ field: 'cursor', message: 'Deze cursor hoort niet bij deze lijst.' }]);
  }
};

/**
 * Subscriptions in the single table. A commit writes the subscription, its topic memberships, the counters,
 * the person record, the mail rate and the outbox mail in one transaction, each conditional on what was
 * read, so a topic audience and its counter can never drift from the subscriptions they describe.
 */
export class DynamoSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(personId: string): Promise<SubscriberState> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.personItems(personId).PK },
        ConsistentRead: true,
      }),
    );
    const bySk = new Map(Items.map((item) => [item.SK as string, item]));
    const subscription = bySk.get(keys.subscription(personId).SK);
    const rate = bySk.get(keys.mailRate(personId).SK);
    return {
      ...(subscription ? { subscription: toSubscription(subscription) } : {}),
      suppressed: bySk.has(keys.suppression(personId).SK),
      mailRate: {
        sentAt: (rate?.sentAt as number[] | undefined) ?? [],
        version: (rate?.version as number) ?? 0,
      },
    };
  }

  async commit(change: SubscriptionChange): Promise<void> {
    const items: TransactItem[] = [];
    const { personId, previous, next } = change;
    const table = this.tableName;

    if (next) {
      items.push({
        Put: {
          TableName: table,
          Item: {
            ...keys.subscription(personId),
            ...keys.subscriptionListing(next.status, next.changedAt, personId),
            entity: 'Subscription',
            ...next,
          },
          ...(previous
            ? {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': previous.version },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      });
    }

    const before = new Set(audienceTopics(previous));
    const after = new Set(audienceTopics(next));
    for (const topic of before) {
      if (!after.has(topic))
        items.push({ Delete: { TableName: table, Key: keys.topicMember(topic, personId) } });
    }
    for (const topic of after) {
      if (!next) continue;
      if (before.has(topic) && previous?.name === next.name && previous?.email === next.email) continue;
      items.push({
        Put: {
          TableName: table,
          Item: {
            ...keys.topicMember(topic, personId),
            entity: 'TopicMember',
            personId,
            email: next.email,
            ...(next.name ? { name: next.name } : {}),
            since: next.confirmedAt ?? next.changedAt,
          },
        },
      });
    }

    const deltas = counterDeltas(previous, next);
    if (deltas.size > 0) {
      const names = [...deltas.keys()];
      items.push({
        Update: {
          TableName: table,
          Key: keys.subscriberCounts(),
          UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :d${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:d${i}`, deltas.get(name)])),
        },
      });
    }

    if (next?.status === 'active') {
      items.push({
        Update: {
          TableName: table,
          Key: keys.person(personId),
          UpdateExpression: `SET entity = :entity, email = :email, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)${
            next.name ? ', #name = :name' : ''
          }${next.name ? '' : ' REMOVE #name'}`,
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: {
            ':entity': 'Person',
            ':email': next.email,
            ':now': next.changedAt,
            ...(next.name ? { ':name': next.name } : {}),
          },
        },
      });
    }

    if (change.mailRate) {
      const { previous: rate, sentAt } = change.mailRate;
      items.push({
        Put: {
          TableName: table,
          Item: {
            ...keys.mailRate(personId),
            entity: 'MailRate',
            sentAt,
            version: rate.version + 1,
            expiresAt: Math.max(...sentAt) + 3600,
          },
          ...(rate.version > 0
            ? {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': rate.version },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      });
    }

    if (change.mail) items.push(outboxPut(table, change.mail));
    if (items.length === 0) return;

    try {
      await transactWrite(this.client, items);
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
      throw error;
    }
  }

  async list({ status, topic, cursor, limit, now }: SubscriberListQuery): Promise<SubscriberListPage> {
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': keys.subscriptionsByStatus(status).GSI1PK };
    if (status === 'pending') {
      filters.push('expiresAt > :now');
      values[':now'] = Math.floor(now.getTime() / 1000);
    }
    if (topic) {
      filters.push('contains(topics, :topic)');
      values[':topic'] = topic;
    }
    const items: Subscription[] = [];
    let startKey: Record<string, unknown> | undefined = cursor ? decodeCursor(cursor, status) : undefined;
    // A filter applies after Limit, so keep reading (a bounded number of pages) until the page is full.
    for (let page = 0; page < 10 && items.length < limit; page++) {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: limit - items.length,
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      const result = await this.client.send(new QueryCommand(input));
      items.push(...(result.Items ?? []).map(toSubscription));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { items, nextCursor: encodeCursor(startKey) };
  }

  async counts(now: Date): Promise<SubscriberCounts> {
    const { Item: counters = {} } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.subscriberCounts(), ConsistentRead: true }),
    );
    const counter = (name: string) => Number(counters[name] ?? 0);
    const perTopic = (count: (topic: Topic) => number) =>
      Object.fromEntries(topics.map((topic) => [topic, count(topic)])) as Record<Topic, number>;

    const pending = new Map<Topic, number>();
    let pendingTotal = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          FilterExpression: 'expiresAt > :now',
          ProjectionExpression: 'topics',
          ExpressionAttributeValues: {
            ':pk': keys.subscriptionsByStatus('pending').GSI1PK,
            ':now': Math.floor(now.getTime() / 1000),
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of result.Items ?? []) {
        pendingTotal++;
        for (const topic of item.topics as Topic[]) pending.set(topic, (pending.get(topic) ?? 0) + 1);
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);

    return {
      active: { total: counter('active'), ...perTopic((t) => counter(`active#${t}`)) },
      pending: { total: pendingTotal, ...perTopic((t) => pending.get(t) ?? 0) },
      unsubscribed: { total: counter('unsubscribed') },
    };
  }
}
