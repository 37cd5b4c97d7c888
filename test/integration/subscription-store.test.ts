import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoSubscriptionStore } from '../../functions/adapters/dynamo/subscription-store';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { timeOrderedIds } from '../../functions/adapters/ids';
import { PersonIds } from '../../functions/core/people/person-id';
import { type Topic, topics } from '../../functions/core/subscriptions/model';
import {
  confirmSubscription,
  type SubscribeRequest,
  subscribe,
  unsubscribe,
  updatePreferences,
} from '../../functions/core/subscriptions/use-cases';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { ensureTable } from '../../local/table';
import { FixedClock } from '../support/in-memory-ports';

/**
 * The DynamoDB side of the subscription use cases: topic memberships (TOPIC#<topic> / MEMBER#<personId>),
 * the person record and the counters, read back from DynamoDB Local after every step.
 */

const secret = 'integration-test-secret-0123456789-abcdef';
const tableName = `dropin-store-${randomUUID().slice(0, 8)}`;
const dynamoDbClient = new DynamoDBClient({ ...localAwsSettings, endpoint: inject('dynamoDbEndpoint') });
const db = DynamoDBDocumentClient.from(dynamoDbClient, { marshallOptions: { removeUndefinedValues: true } });
// The real time: pending items expire from it, and DynamoDB Local's TTL runs on the real clock.
const clock = new FixedClock(new Date());
const personIds = new PersonIds(secret);
const store = new DynamoSubscriptionStore(db, tableName);
const tokens = new TokenSigner(fixedLinkKeys(secret), clock);
const ports = { store, clock, ids: timeOrderedIds(clock), personIds, tokens };

beforeAll(() => ensureTable(dynamoDbClient, tableName));
afterAll(async () => {
  await dynamoDbClient.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  dynamoDbClient.destroy();
});

const dilly = { email: 'dilly.timmer@example.org', personId: personIds.of('dilly.timmer@example.org') };
const ayse = { email: 'ayse@example.org', personId: personIds.of('ayse@example.org') };
const cas = { email: 'cas@example.org', personId: personIds.of('cas@example.org') };
const request = (email: string, chosen: Topic[], name?: string): SubscribeRequest => ({
  email,
  ...(name ? { name } : {}),
  topics: chosen,
  source: 'api',
  consentTextVersion: '2026-11-28',
});

const confirm = async (personId: string) => {
  const { subscription } = await store.load(personId);
  const confirmationId = subscription?.status === 'pending' ? subscription.confirmationId : undefined;
  const token = tokens.sign('confirm-subscription', `${personId}.${confirmationId}`, { ttlSeconds: 3600 });
  return confirmSubscription(ports, token);
};

const get = async (key: { PK: string; SK: string }) =>
  (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

/** Every member item of one topic: a Query of its partition. */
const membersOf = async (topic: Topic) =>
  (
    await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.topicMembers(topic).PK },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

interface Member {
  readonly personId: string;
  readonly email?: string;
  readonly name?: string;
}
const byPerson = (a: Member, b: Member) => a.personId.localeCompare(b.personId);

/** Who is in which topic, with the address and name each member item carries. */
const audiences = async (): Promise<Record<Topic, Member[]>> =>
  Object.fromEntries(
    await Promise.all(
      topics.map(async (topic) => [
        topic,
        (await membersOf(topic))
          .map((item) => ({ personId: item.personId, email: item.email, name: item.name }) as Member)
          .sort(byPerson),
      ]),
    ),
  ) as Record<Topic, Member[]>;

const listedCount = async (status: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.subscriptionsByStatus(status).GSI1PK },
        Select: 'COUNT',
      }),
    )
  ).Count ?? 0;

/** The COUNTERS / SUBSCRIBERS item equals what Queries count, and the store's counts report it. */
const expectCountersInStep = async () => {
  const counters = (await get(keys.subscriberCounts())) ?? {};
  const counter = (name: string) => Number(counters[name] ?? 0);
  const counts = await store.counts(clock.now());
  for (const topic of topics) {
    const members = (await membersOf(topic)).length;
    expect(counter(`active#${topic}`), `active#${topic}`).toBe(members);
    expect(counts.active[topic], `counts.active.${topic}`).toBe(members);
  }
  expect(counter('active')).toBe(await listedCount('active'));
  expect(counter('unsubscribed')).toBe(await listedCount('unsubscribed'));
  expect(counts.active.total).toBe(counter('active'));
  expect(counts.unsubscribed.total).toBe(counter('unsubscribed'));
};

describe('topic memberships, the person record and the counters in DynamoDB', () => {
  it('follow confirm, a topic change, a name change and unsubscribing', async () => {
    // Pending: no memberships, no person record, nothing counted but by Query.
    await subscribe(ports, request(dilly.email, ['nieuwsbrief', 'bijeenkomsten'], 'Dilly'));
    await subscribe(ports, request(ayse.email, ['publicaties'], 'Ayşe'));
    expect(await audiences()).toEqual({ nieuwsbrief: [], bijeenkomsten: [], publicaties: [] });
    expect(await get(keys.person(dilly.personId))).toBeUndefined();
    expect((await store.counts(clock.now())).pending).toMatchObject({ total: 2, publicaties: 1 });
    await expectCountersInStep();

    // Confirmed: one member item per chosen topic, carrying address and name; the person record.
    expect(await confirm(dilly.personId)).toBe('confirmed');
    expect(await confirm(ayse.personId)).toBe('confirmed');
    const dillyMember = { personId: dilly.personId, email: dilly.email, name: 'Dilly' };
    const ayseMember = { personId: ayse.personId, email: ayse.email, name: 'Ayşe' };
    expect(await audiences()).toEqual({
      nieuwsbrief: [dillyMember],
      bijeenkomsten: [dillyMember],
      publicaties: [ayseMember],
    });
    expect(await get(keys.person(dilly.personId))).toMatchObject({
      entity: 'Person',
      email: dilly.email,
      name: 'Dilly',
    });
    await expectCountersInStep();

    // A topic change: out of nieuwsbrief, into publicaties, still in bijeenkomsten.
    await updatePreferences(ports, dilly.personId, {
      topics: ['bijeenkomsten', 'publicaties'],
      name: 'Dilly',
    });
    expect((await audiences()).nieuwsbrief).toEqual([]);
    expect((await audiences()).bijeenkomsten).toEqual([dillyMember]);
    expect((await audiences()).publicaties).toEqual([dillyMember, ayseMember].sort(byPerson));
    await expectCountersInStep();

    // A name change reaches every member item and the person record.
    await updatePreferences(ports, dilly.personId, {
      topics: ['bijeenkomsten', 'publicaties'],
      name: 'Dilly Timmer',
    });
    const renamed = (await audiences()).bijeenkomsten;
    expect(renamed).toEqual([{ ...dillyMember, name: 'Dilly Timmer' }]);
    expect((await audiences()).publicaties.find((member) => member.personId === dilly.personId)?.name).toBe(
      'Dilly Timmer',
    );
    expect(await get(keys.person(dilly.personId))).toMatchObject({ name: 'Dilly Timmer' });
    await expectCountersInStep();

    // Unsubscribed: out of every topic; the address and name gone from the subscription and the person record.
    expect(await unsubscribe(ports, dilly.personId)).toBe('unsubscribed');
    const afterUnsubscribe = await audiences();
    expect(afterUnsubscribe).toEqual({ nieuwsbrief: [], bijeenkomsten: [], publicaties: [ayseMember] });
    const person = await get(keys.person(dilly.personId));
    expect(person).toBeDefined();
    expect(person).not.toHaveProperty('email');
    expect(person).not.toHaveProperty('name');
    const proof = await get(keys.subscription(dilly.personId));
    expect(proof).toMatchObject({
      status: 'unsubscribed',
      topics: ['bijeenkomsten', 'publicaties'],
      consent: { source: 'api', textVersion: '2026-11-28' },
    });
    expect(proof).not.toHaveProperty('email');
    expect(proof).not.toHaveProperty('name');
    expect(proof).not.toHaveProperty('expiresAt');
    const unsubscribedPage = await store.list({ status: 'unsubscribed', limit: 10, now: clock.now() });
    expect(unsubscribedPage.items).toEqual([expect.not.objectContaining({ email: expect.anything() })]);
    await expectCountersInStep();

    // Subscribing again writes the address again, and confirming restores memberships and the person record.
    expect(await subscribe(ports, request(dilly.email, ['nieuwsbrief'], 'Dilly'))).toBe('confirmation-sent');
    expect(await confirm(dilly.personId)).toBe('confirmed');
    expect((await audiences()).nieuwsbrief).toEqual([dillyMember]);
    expect(await get(keys.person(dilly.personId))).toMatchObject({ email: dilly.email, name: 'Dilly' });
    await expectCountersInStep();
  });

  it('deletes a pending subscription that is unsubscribed, touching no counter and no person record', async () => {
    await subscribe(ports, request(cas.email, ['nieuwsbrief'], 'Cas'));
    const countersBefore = await get(keys.subscriberCounts());

    expect(await unsubscribe(ports, cas.personId)).toBe('unsubscribed');

    expect(await get(keys.subscription(cas.personId))).toBeUndefined();
    expect(await get(keys.person(cas.personId))).toBeUndefined();
    expect(await get(keys.subscriberCounts())).toEqual(countersBefore);
    await expectCountersInStep();
  });
});
