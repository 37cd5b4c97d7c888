import { setTimeout as delay } from 'node:timers/promises';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, listedForPerson } from '../../functions/adapters/dynamo/table-design';
import type { Topic } from '../../functions/core/subscriptions/model';

/**
 * Subscribers written straight into the table as the subscription store keeps them: fast (no confirm mails), for
 * tests and benchmarks that need an audience rather than the subscribing itself.
 */

/** Where a person stands: confirmed, pending (not yet confirmed), unsubscribed, or confirmed but suppressed. */
export type Standing = 'confirmed' | 'pending' | 'unsubscribed' | 'suppressed';

export interface Subscriber {
  readonly email: string;
  readonly personId: string;
  readonly name: string;
  readonly topics: readonly Topic[];
  /** Confirmed when left out. */
  readonly standing?: Standing;
}

/**
 * The items of one subscriber as the subscription store writes them: the person, the subscription (with its
 * consent and version), a topic member per topic while active, and a suppression (reason complaint) if suppressed.
 */
export const subscriberItems = (subscriber: Subscriber, now = new Date()): Record<string, unknown>[] => {
  const { email, personId, name, topics, standing = 'confirmed' } = subscriber;
  const at = now.toISOString();
  const active = standing === 'confirmed' || standing === 'suppressed';
  return [
    listedForPerson({
      ...keys.person(personId),
      entity: 'Person',
      ...(standing === 'unsubscribed' ? {} : { email, name }),
    }),
    listedForPerson({
      ...keys.subscription(personId),
      entity: 'Subscription',
      personId,
      status: active ? 'active' : standing,
      topics,
      consent: { at, source: 'form', textVersion: '2024-1' },
      createdAt: at,
      changedAt: at,
      version: 1,
      ...(standing === 'unsubscribed'
        ? { unsubscribedAt: at }
        : {
            email,
            ...(active ? { confirmedAt: at } : { expiresAt: Math.floor(now.getTime() / 1000) + 86_400 }),
          }),
    }),
    ...(active
      ? topics.map((topic) =>
          listedForPerson({ ...keys.topicMember(topic, personId), entity: 'TopicMember', personId }),
        )
      : []),
    ...(standing === 'suppressed'
      ? [listedForPerson({ ...keys.suppression(personId), entity: 'Suppression', reason: 'complaint' })]
      : []),
  ];
};

/**
 * Writes requests (puts or deletes) with BatchWrite, 25 a call, by `workers` calls at a time (one after another
 * by default), sending again what DynamoDB leaves unprocessed.
 */
export const batchWrite = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly Record<string, unknown>[],
  { workers = 1 }: { workers?: number } = {},
): Promise<void> => {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let pending = chunks[next++] as Record<string, unknown>[];
      while (pending.length > 0) {
        const { UnprocessedItems } = await documents.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }),
        );
        pending = (UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
        if (pending.length > 0) await delay(50);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
};

/** Puts items with {@link batchWrite}. */
export const putItems = (
  documents: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  options: { workers?: number } = {},
): Promise<void> =>
  batchWrite(
    documents,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
    options,
  );
