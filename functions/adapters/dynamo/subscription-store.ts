import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { ConcurrentChange } from '../../core/ports';
import {
  audienceTopics,
  consentSources,
  type Subscription,
  type SubscriptionStatus,
  type Topic,
  topics,
} from '../../core/subscriptions/model';
import type {
  SubscriberCounts,
  SubscriberListPage,
  SubscriberListQuery,
  SubscriberStanding,
  SubscriberState,
  SubscriptionChange,
  SubscriptionStore,
} from '../../core/subscriptions/ports';
import { batchGetLimit, consistentBatchGet } from './batch-get';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import { mailRateFrom, mailRatePut } from './mail-rate';
import { outboxPut } from './outbox';
import { keys, listedForPerson, meetingMailingsOptOutAttribute, personListingOf } from './table-design';
import { type TransactItem, TransactionConditionFailed, transactWrite } from './transactions';

const subscriptionRecord = {
  personId: z.string(),
  topics: z.array(z.enum(topics)),
  consent: z.object({
    at: z.string(),
    source: z.enum(consentSources),
    textVersion: z.string(),
    importId: z.optional(z.string()),
    evidence: z.optional(z.string()),
  }),
  createdAt: z.string(),
  changedAt: z.string(),
  confirmedAt: z.optional(z.string()),
  version: z.number(),
};

/**
 * Unknown attributes are dropped, so an unsubscribed item written before addresses were removed on
 * unsubscribing still shows none.
 */
const subscriptionItem = z.discriminatedUnion('status', [
  z.object({
    ...subscriptionRecord,
    status: z.enum(['pending', 'active']),
    email: z.string(),
    name: z.optional(z.string()),
    confirmationId: z.optional(z.string()),
    expiresAt: z.optional(z.number()),
  }),
  z.object({ ...subscriptionRecord, status: z.literal('unsubscribed'), unsubscribedAt: z.string() }),
]);

const toSubscription = (item: Record<string, unknown>): Subscription => subscriptionItem.parse(item);

/** The mark that an import asked the person (`IMPORTASKED`), as the state has it. */
const askedOf = (item: Record<string, unknown> | undefined) =>
  typeof item?.importId === 'string' && typeof item.expiresAt === 'number'
    ? { askedByImport: { importId: item.importId, until: item.expiresAt } }
    : {};

/** The address and name a subscription carries; an unsubscribed one carries neither. */
const contactOf = (subscription: Subscription | undefined) =>
  subscription && subscription.status !== 'unsubscribed'
    ? { email: subscription.email, name: subscription.name }
    : undefined;

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
    const optOutAt: unknown = bySk.get(keys.person(personId).SK)?.[meetingMailingsOptOutAttribute];
    const asked = bySk.get(keys.importAsked(personId).SK);
    return {
      ...(subscription ? { subscription: toSubscription(subscription) } : {}),
      suppressed: bySk.has(keys.suppression(personId).SK),
      mailRate: mailRateFrom(bySk.get(keys.mailRate(personId).SK)),
      ...(typeof optOutAt === 'string' ? { meetingMailingsOptOutAt: optOutAt } : {}),
      ...askedOf(asked),
    };
  }

  async loadMany(personIds: readonly string[]): Promise<ReadonlyMap<string, SubscriberStanding>> {
    const perPerson = [keys.subscription, keys.suppression, keys.importAsked];
    const chunks: string[][] = [];
    const size = Math.floor(batchGetLimit / perPerson.length);
    for (let i = 0; i < personIds.length; i += size) chunks.push(personIds.slice(i, i + size));
    const items = (
      await Promise.all(
        chunks.map((chunk) =>
          consistentBatchGet(
            this.client,
            this.tableName,
            chunk.flatMap((personId) => perPerson.map((key) => key(personId))),
          ),
        ),
      )
    ).flat();
    const byKey = new Map(items.map((item) => [`${String(item.PK)}/${String(item.SK)}`, item]));
    const itemOf = (key: { PK: string; SK: string }) => byKey.get(`${key.PK}/${key.SK}`);
    return new Map(
      personIds.map((personId) => {
        const subscription = itemOf(keys.subscription(personId));
        const asked = itemOf(keys.importAsked(personId));
        return [
          personId,
          {
            ...(subscription ? { subscription: toSubscription(subscription) } : {}),
            suppressed: itemOf(keys.suppression(personId)) !== undefined,
            ...askedOf(asked),
          },
        ];
      }),
    );
  }

  async commit(change: SubscriptionChange): Promise<void> {
    const items: TransactItem[] = [];
    const { personId, previous, next } = change;
    const table = this.tableName;

    if (next) {
      items.push({
        Put: {
          TableName: table,
          Item: listedForPerson({
            ...keys.subscription(personId),
            ...keys.subscriptionListing(next.status, next.changedAt, personId),
            entity: 'Subscription',
            ...next,
          }),
          ...(previous
            ? {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': previous.version },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      });
    } else if (previous) {
      // A pending subscription unsubscribed: deleted, address and all (it was never confirmed).
      items.push({
        Delete: {
          TableName: table,
          Key: keys.subscription(personId),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': previous.version },
        },
      });
    }

    const before = new Set(audienceTopics(previous));
    const after = new Set(audienceTopics(next));
    for (const topic of before) {
      if (!after.has(topic))
        items.push({ Delete: { TableName: table, Key: keys.topicMember(topic, personId) } });
    }
    const [was, is] = [contactOf(previous), contactOf(next)];
    for (const topic of after) {
      if (!next || !is) continue;
      if (before.has(topic) && was?.name === is.name && was?.email === is.email) continue;
      items.push({
        Put: {
          TableName: table,
          Item: listedForPerson({
            ...keys.topicMember(topic, personId),
            entity: 'TopicMember',
            personId,
            email: is.email,
            ...(is.name ? { name: is.name } : {}),
            since: next.confirmedAt ?? next.changedAt,
          }),
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

    // An Update creates the person record when it is missing, so each one sets its person-index attributes too.
    const personListing = personListingOf(keys.person(personId));
    if (next?.status === 'active') {
      items.push({
        Update: {
          TableName: table,
          Key: keys.person(personId),
          UpdateExpression: `SET entity = :entity, email = :email, updatedAt = :now, createdAt = if_not_exists(createdAt, :now), PersonPK = :personPK, PersonSK = :personSK${
            next.name ? ', #name = :name' : ''
          }${next.name ? '' : ' REMOVE #name'}`,
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: {
            ':entity': 'Person',
            ':email': next.email,
            ':now': next.changedAt,
            ':personPK': personListing.PersonPK,
            ':personSK': personListing.PersonSK,
            ...(next.name ? { ':name': next.name } : {}),
          },
        },
      });
    } else if (previous?.status === 'active' && next?.status === 'unsubscribed') {
      // The consent text promises to delete the address and name on unsubscribing, so they leave the person
      // record too. Other relations (registrations, in MEETING# partitions) keep their own copy of the
      // address and name, so none needs this one; the person index finds them all for erasure and export.
      // The record itself stays, listed there with the rest. Only an active
      // subscription wrote it (on confirming), so a pending one has nothing here to remove.
      items.push({
        Update: {
          TableName: table,
          Key: keys.person(personId),
          UpdateExpression:
            'SET updatedAt = :now, PersonPK = :personPK, PersonSK = :personSK REMOVE email, #name',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: {
            ':now': next.changedAt,
            ':personPK': personListing.PersonPK,
            ':personSK': personListing.PersonSK,
          },
        },
      });
    }

    const optOut = change.meetingMailingsOptOut;
    if (optOut) {
      if (items.some((item) => item.Update?.Key?.SK === keys.person(personId).SK)) {
        throw new Error(
          'A meeting-mailings opt-out change cannot share its commit with a person record update',
        );
      }
      // Conditional on the value read, so two clicks at once write the flag once (the second finds it set).
      items.push({
        Update: {
          TableName: table,
          Key: keys.person(personId),
          UpdateExpression:
            optOut.next === undefined
              ? 'SET updatedAt = :now, PersonPK = :personPK, PersonSK = :personSK REMOVE #optOut'
              : 'SET #optOut = :optOut, entity = :entity, updatedAt = :now, createdAt = if_not_exists(createdAt, :now), PersonPK = :personPK, PersonSK = :personSK',
          ConditionExpression:
            optOut.previous === undefined ? 'attribute_not_exists(#optOut)' : '#optOut = :previous',
          ExpressionAttributeNames: { '#optOut': meetingMailingsOptOutAttribute },
          ExpressionAttributeValues: {
            ':now': optOut.at,
            ':personPK': personListing.PersonPK,
            ':personSK': personListing.PersonSK,
            ...(optOut.next === undefined ? {} : { ':optOut': optOut.next, ':entity': 'Person' }),
            ...(optOut.previous === undefined ? {} : { ':previous': optOut.previous }),
          },
        },
      });
    }

    const member = change.importMember;
    if (member) {
      // The import's audience: the confirmation mailing reads it; it lives as long as what it asks to confirm.
      const expiresAt = next?.status === 'pending' ? next.expiresAt : undefined;
      items.push({
        Put: {
          TableName: table,
          Item: listedForPerson({
            ...keys.importMember(member.importId, personId),
            entity: 'ImportMember',
            personId,
            line: member.line,
            at: member.at,
            ...(expiresAt !== undefined ? { expiresAt } : {}),
          }),
        },
      });
      items.push({
        Put: {
          TableName: table,
          Item: listedForPerson({
            ...keys.importAsked(personId),
            entity: 'ImportAsked',
            importId: member.importId,
            at: member.at,
            expiresAt: member.markedUntil,
          }),
        },
      });
    }

    if (change.mailRate) items.push(mailRatePut(table, personId, change.mailRate));
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
    let startKey: Record<string, unknown> | undefined = cursor
      ? decodeListCursor(cursor, keys.subscriptionsByStatus(status).GSI1PK)
      : undefined;
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
    return { items, nextCursor: encodeListCursor(startKey) };
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
