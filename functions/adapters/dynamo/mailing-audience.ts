import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Audience,
  type AudiencePart,
  audienceParts,
  registrationStatusesOf,
} from '../../core/mailings/mailing';
import type {
  AudienceMember,
  AudienceSource,
  RecipientChecks,
  RecipientStanding,
  SnapshotCursor,
  UnsettledRecipient,
} from '../../core/mailings/recipients';
import type { Clock } from '../../core/ports';
import { systemClock } from '../clock';
import { consistentBatchGet } from './batch-get';
import { type ItemKey, keys, meetingMailingsOptOutAttribute } from './table-design';

/**
 * The audience of a mailing, read from the table a page at a time: the topic memberships (one item per
 * confirmed subscriber per topic) and a meeting's registrations of the chosen statuses that still name their
 * person. A person in several parts comes once per part; the recipient items make them one.
 */
export class DynamoAudienceSource implements AudienceSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async page(
    audience: Audience,
    cursor: SnapshotCursor | undefined,
    limit: number,
  ): Promise<{ readonly members: readonly AudienceMember[]; readonly next?: SnapshotCursor }> {
    const parts = audienceParts(audience);
    let part = cursor?.part ?? 0;
    let after = cursor?.after;
    const members: AudienceMember[] = [];
    while (part < parts.length) {
      const { found, last } = await this.readPart(parts[part] as AudiencePart, after, limit - members.length);
      members.push(...found);
      if (last !== undefined) return { members, next: { part, after: last } };
      part += 1;
      after = undefined;
      if (members.length >= limit) break;
    }
    return { members, ...(part < parts.length ? { next: { part } } : {}) };
  }

  private async readPart(
    part: AudiencePart,
    after: string | undefined,
    limit: number,
  ): Promise<{ found: AudienceMember[]; last?: string }> {
    if (part.kind === 'topic') {
      const pk = keys.topicMembers(part.topic).PK;
      const prefix = keys.topicMember(part.topic, '').SK;
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          ProjectionExpression: 'SK',
          Limit: Math.max(1, limit),
          ...(after ? { ExclusiveStartKey: { PK: pk, SK: after } } : {}),
        }),
      );
      return {
        found: Items.map((item) => ({ personId: String(item.SK).slice(prefix.length), from: 'topics' })),
        ...(LastEvaluatedKey ? { last: String(LastEvaluatedKey.SK) } : {}),
      };
    }
    if (part.kind === 'import') {
      // Members expire with the pending subscription they stand for: an expired one is skipped at send time.
      const range = keys.importMembers(part.importId);
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': range.PK, ':prefix': range.skPrefix },
          ProjectionExpression: 'SK',
          Limit: Math.max(1, limit),
          ...(after ? { ExclusiveStartKey: { PK: range.PK, SK: after } } : {}),
        }),
      );
      return {
        found: Items.map((item) => ({
          personId: String(item.SK).slice(range.skPrefix.length),
          from: 'import',
        })),
        ...(LastEvaluatedKey ? { last: String(LastEvaluatedKey.SK) } : {}),
      };
    }
    const range = keys.registrationsWithNeeds(part.meetingId);
    const prefix = keys.registration(part.meetingId, '').SK;
    const statuses = registrationStatusesOf(part.selection);
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        FilterExpression: `#status IN (${statuses.map((_, i) => `:s${i}`).join(', ')}) AND attribute_not_exists(anonymisedAt)`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': range.PK,
          ':from': prefix,
          ':to': range.skTo,
          ...Object.fromEntries(statuses.map((status, i) => [`:s${i}`, status])),
        },
        ProjectionExpression: 'personId',
        Limit: Math.max(1, limit),
        ...(after ? { ExclusiveStartKey: { PK: range.PK, SK: after } } : {}),
      }),
    );
    return {
      found: Items.map((item) => ({ personId: String(item.personId), from: 'meeting' })),
      ...(LastEvaluatedKey ? { last: String(LastEvaluatedKey.SK) } : {}),
    };
  }
}

/**
 * Whether a recipient gets the mail now, from one strongly consistent BatchGet of what decides it: the
 * person (address, name, opt-out of meeting-audience mailings), the subscription (active, which topics),
 * the suppression list and, for a meeting participant, the registration.
 */
export class DynamoRecipientChecks implements RecipientChecks {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async standing(audience: Audience, recipient: UnsettledRecipient): Promise<RecipientStanding> {
    const { personId } = recipient;
    const wanted: ItemKey[] = [
      keys.person(personId),
      keys.subscription(personId),
      keys.suppression(personId),
    ];
    if (recipient.inMeeting && 'meeting' in audience)
      wanted.push(keys.registration(audience.meeting, personId));
    const items = await this.read(wanted);
    const bySk = new Map(items.map((item) => [String(item.SK), item]));
    if (bySk.has(keys.suppression(personId).SK)) return { send: false, reason: 'suppressed' };
    const person = bySk.get(keys.person(personId).SK);
    const subscription = bySk.get(keys.subscription(personId).SK);
    if (recipient.inImport && 'import' in audience)
      return importStanding(audience.import, subscription, this.clock.now());
    if (recipient.inTopics && 'topics' in audience && subscription?.status === 'active') {
      const subscribed = new Set(Array.isArray(subscription.topics) ? subscription.topics : []);
      const topics = audience.topics.filter((topic) => subscribed.has(topic));
      const address = person?.email;
      if (topics.length > 0 && typeof address === 'string') {
        return {
          send: true,
          address,
          ...(typeof person?.name === 'string' && person.name ? { name: person.name } : {}),
          via: { kind: 'topics', topics },
        };
      }
    }
    if (recipient.inMeeting && 'meeting' in audience) {
      const registration = bySk.get(keys.registration(audience.meeting, personId).SK);
      const current =
        registration !== undefined &&
        registration.anonymisedAt === undefined &&
        typeof registration.email === 'string' &&
        registrationStatusesOf(audience.registrations).includes(String(registration.status));
      if (current) {
        if (typeof person?.[meetingMailingsOptOutAttribute] === 'string')
          return { send: false, reason: 'opted-out' };
        return {
          send: true,
          address: String(registration.email),
          ...(typeof registration.name === 'string' && registration.name ? { name: registration.name } : {}),
          via: { kind: 'meeting' },
        };
      }
    }
    return { send: false, reason: 'unsubscribed' };
  }

  private read(wanted: readonly ItemKey[]): Promise<Record<string, unknown>[]> {
    return consistentBatchGet(this.client, this.tableName, wanted);
  }
}

/**
 * An import's person gets its confirmation request while the subscription it made is pending and live: not
 * once they confirmed (by an earlier mail, or the form), declined it (the link in the mail deletes it), or
 * let it expire.
 */
const importStanding = (
  importId: string,
  subscription: Record<string, unknown> | undefined,
  now: Date,
): RecipientStanding => {
  const consent = subscription?.consent as { importId?: unknown } | undefined;
  const expiresAt = subscription?.expiresAt;
  const waiting =
    subscription?.status === 'pending' &&
    consent?.importId === importId &&
    typeof subscription.email === 'string' &&
    typeof subscription.confirmationId === 'string' &&
    typeof expiresAt === 'number' &&
    expiresAt * 1000 > now.getTime();
  if (!waiting) return { send: false, reason: 'unsubscribed' };
  return {
    send: true,
    address: String(subscription.email),
    ...(typeof subscription.name === 'string' && subscription.name ? { name: subscription.name } : {}),
    via: {
      kind: 'import',
      confirmationId: String(subscription.confirmationId),
      expiresAt: Number(expiresAt),
    },
  };
};

/** The dry run's figures: the distinct people of the audience, and who of them would be skipped today. */
export interface AudienceCount {
  /** Who would get the mail now: distinct people less the suppressed and the opted out. */
  readonly audience: number;
  readonly distinct: number;
  readonly suppressed: number;
  /** Only in the meeting part, and opted out of organiser mailings to meeting audiences. */
  readonly optedOut: number;
}

/**
 * Counts an audience as a send would find it today (the dry run, and the four-eyes count at send time):
 * every part read page by page, people counted once, the suppression list and the meeting-audience opt-out
 * applied. It holds the audience's person ids in memory (some 60 bytes each): the API's count, not the
 * sender's path, which never holds the audience.
 */
export class DynamoAudienceCounter {
  readonly #source: DynamoAudienceSource;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.#source = new DynamoAudienceSource(client, tableName);
  }

  async count(audience: Audience): Promise<AudienceCount> {
    // Whether the person is in a part other than the meeting: the meeting-audience opt-out is for the meeting only.
    const inTopics = new Map<string, boolean>();
    let cursor: SnapshotCursor | undefined;
    do {
      const page = await this.#source.page(audience, cursor, 500);
      for (const member of page.members) {
        inTopics.set(member.personId, (inTopics.get(member.personId) ?? false) || member.from !== 'meeting');
      }
      cursor = page.next;
    } while (cursor);
    let suppressed = 0;
    let optedOut = 0;
    const ids = [...inTopics.keys()];
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      const items = await consistentBatchGet(
        this.client,
        this.tableName,
        chunk.flatMap((personId) => [keys.person(personId), keys.suppression(personId)]),
      );
      const suppressedIds = new Set<string>();
      const optedOutIds = new Set<string>();
      for (const item of items) {
        const personId = String(item.PK).slice(keys.person('').PK.length);
        if (item.SK === keys.suppression('').SK) suppressedIds.add(personId);
        else if (typeof item[meetingMailingsOptOutAttribute] === 'string') optedOutIds.add(personId);
      }
      for (const personId of chunk) {
        if (suppressedIds.has(personId)) suppressed += 1;
        else if (optedOutIds.has(personId) && inTopics.get(personId) === false) optedOut += 1;
      }
    }
    return { audience: ids.length - suppressed - optedOut, distinct: ids.length, suppressed, optedOut };
  }
}
