import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { MailingCounts } from '../../core/mailings/mailing';
import type {
  AudienceMember,
  FailureKind,
  MailingRecipients,
  RecipientClaim,
  RecipientClaimResult,
  SenderLease,
  SendingProgress,
  SendingProgressStore,
  SkipReason,
  SnapshotCursor,
  UnsettledRecipient,
} from '../../core/mailings/recipients';
import { epochSeconds, sendLedgerSeconds } from '../../core/retention';
import { redactAddresses } from '../redaction';
import { keys, personListingOf } from './table-design';

/** Writes of one snapshot page run this many at a time. */
const snapshotConcurrency = 16;
/** Items a Query of the unsettled recipients evaluates per page (settled ones are filtered out). */
const evaluatedPerPage = 200;

/** The ledger attribute that says which part of the audience brought a recipient in. */
const partAttributes: Readonly<Record<AudienceMember['from'], string>> = {
  topics: 'inTopics',
  meeting: 'inMeeting',
  import: 'inImport',
};

const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/**
 * A mailing's recipients in the single table (table-design.ts: `mailing recipient`), one item per person,
 * each the send ledger entry of that person's mail: `state` pending → sending (claimed, with `claimId` and
 * `dueAt` the end of its hold) → sent, skipped or failed. Every outcome is conditional on the claim, so a
 * sender whose claim ended changes nothing. No address is stored: it is read from the person or the
 * registration just before the send. The items expire a year after the snapshot (the send ledger's period).
 */
export class DynamoMailingRecipients implements MailingRecipients {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly newClaimId: () => string = randomUUID,
  ) {}

  async add(mailingId: string, members: readonly AudienceMember[], now: Date): Promise<number> {
    let added = 0;
    const queue = [...members];
    const writeNext = async (): Promise<void> => {
      for (let member = queue.shift(); member; member = queue.shift()) {
        if (await this.addOne(mailingId, member, now)) added += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(snapshotConcurrency, queue.length) }, writeNext));
    return added;
  }

  /** One member: the item is created pending, or (a person in both parts of the union) marked for this part. */
  private async addOne(mailingId: string, member: AudienceMember, now: Date): Promise<boolean> {
    const key = keys.mailingRecipient(mailingId, member.personId);
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression:
          'SET #part = :yes, personId = :personId, #state = if_not_exists(#state, :pending), ' +
          'dueAt = if_not_exists(dueAt, :now), expiresAt = if_not_exists(expiresAt, :expiresAt), ' +
          'PersonPK = :personPK, PersonSK = :personSK',
        ExpressionAttributeNames: {
          '#part': partAttributes[member.from],
          '#state': 'state',
        },
        ExpressionAttributeValues: {
          ':yes': true,
          ':personId': member.personId,
          ':pending': 'pending',
          ':now': now.toISOString(),
          ':expiresAt': epochSeconds(now) + sendLedgerSeconds,
          ...prefixed(personListingOf(key)),
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return Attributes?.state === undefined;
  }

  async unsettled(
    mailingId: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ readonly recipients: readonly UnsettledRecipient[]; readonly next?: string }> {
    const range = keys.mailingRecipients(mailingId);
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        FilterExpression: '#state IN (:pending, :sending)',
        ProjectionExpression: 'personId, #state, dueAt, inTopics, inMeeting, inImport',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':pk': range.PK,
          ':prefix': range.skPrefix,
          ':pending': 'pending',
          ':sending': 'sending',
        },
        ConsistentRead: true,
        Limit: Math.max(limit, evaluatedPerPage),
        ...(after ? { ExclusiveStartKey: keys.mailingRecipient(mailingId, after) } : {}),
      }),
    );
    const next =
      typeof LastEvaluatedKey?.SK === 'string' ? LastEvaluatedKey.SK.slice(range.skPrefix.length) : undefined;
    return {
      recipients: Items.map((item) => ({
        personId: String(item.personId),
        state: item.state === 'sending' ? 'sending' : 'pending',
        dueAt: String(item.dueAt),
        inTopics: item.inTopics === true,
        inMeeting: item.inMeeting === true,
        inImport: item.inImport === true,
      })),
      ...(next ? { next } : {}),
    };
  }

  async claim(
    mailingId: string,
    personId: string,
    now: Date,
    holdUntil: Date,
  ): Promise<RecipientClaimResult> {
    const claimId = this.newClaimId();
    try {
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mailingRecipient(mailingId, personId),
          UpdateExpression:
            'SET #state = :sending, claimId = :claimId, claimedAt = :now, dueAt = :holdUntil ADD attempts :one',
          ConditionExpression: 'attribute_exists(PK) AND #state IN (:pending, :sending) AND dueAt <= :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':pending': 'pending',
            ':claimId': claimId,
            ':now': now.toISOString(),
            ':holdUntil': holdUntil.toISOString(),
            ':one': 1,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return {
        outcome: 'claimed',
        claim: {
          mailingId,
          personId,
          claimId,
          failures: typeof Attributes.failures === 'number' ? Attributes.failures : 0,
          resend: Attributes.state === 'sending',
        },
      };
    } catch (error) {
      if (isConditionFailure(error)) return { outcome: 'not-claimable' };
      throw error;
    }
  }

  async sent(claim: RecipientClaim, now: Date, messageId: string): Promise<'done' | 'superseded'> {
    const written = await this.settle(claim, 'SET #state = :sent, messageId = :messageId, settledAt = :now', {
      ':sent': 'sent',
      ':messageId': messageId,
      ':now': now.toISOString(),
    });
    return written ? 'done' : 'superseded';
  }

  async skipped(claim: RecipientClaim, now: Date, reason: SkipReason): Promise<void> {
    await this.settle(claim, 'SET #state = :skipped, skipReason = :reason, settledAt = :now', {
      ':skipped': 'skipped',
      ':reason': reason,
      ':now': now.toISOString(),
    });
  }

  async failed(claim: RecipientClaim, now: Date, kind: FailureKind, reason: string): Promise<void> {
    await this.settle(
      claim,
      'SET #state = :failed, failureKind = :kind, failure = :reason, settledAt = :now, failures = :failures',
      {
        ':failed': 'failed',
        ':kind': kind,
        ':reason': redactAddresses(reason).slice(0, 300),
        ':now': now.toISOString(),
        ':failures': claim.failures + (kind === 'transient' ? 1 : 0),
      },
    );
  }

  async retryAt(claim: RecipientClaim, now: Date, at: Date, transientFailure: boolean): Promise<void> {
    await this.settle(claim, 'SET #state = :pending, dueAt = :at, failures = :failures, retriedAt = :now', {
      ':pending': 'pending',
      ':at': at.toISOString(),
      ':failures': claim.failures + (transientFailure ? 1 : 0),
      ':now': now.toISOString(),
    });
  }

  /** Writes an outcome for the claim that holds the recipient; false when the claim is no longer current. */
  private async settle(
    claim: RecipientClaim,
    update: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mailingRecipient(claim.mailingId, claim.personId),
          UpdateExpression: update,
          ConditionExpression: '#state = :claimed AND claimId = :claimId',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ...values, ':claimed': 'sending', ':claimId': claim.claimId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recount(mailingId: string): Promise<MailingCounts> {
    const counts = { audience: 0, sent: 0, skipped: 0, failed: 0, inDoubt: 0 };
    await this.eachRecipient(
      mailingId,
      { ProjectionExpression: '#state', ExpressionAttributeNames: { '#state': 'state' } },
      (item) => {
        counts.audience += 1;
        if (item.state === 'sent') counts.sent += 1;
        else if (item.state === 'skipped') counts.skipped += 1;
        else if (item.state === 'failed') counts.failed += 1;
        else if (item.state === 'sending') counts.inDoubt += 1;
      },
    );
    return counts;
  }

  async requeueFailed(mailingId: string, now: Date): Promise<number> {
    const failed: string[] = [];
    await this.eachRecipient(
      mailingId,
      {
        ProjectionExpression: 'personId',
        FilterExpression: '#state = :failed AND failureKind = :transient',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':failed': 'failed', ':transient': 'transient' },
      },
      (item) => {
        failed.push(String(item.personId));
      },
    );
    let requeued = 0;
    for (const personId of failed) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.mailingRecipient(mailingId, personId),
            UpdateExpression:
              'SET #state = :pending, dueAt = :now, failures = :zero REMOVE failureKind, failure, settledAt',
            ConditionExpression: '#state = :failed AND failureKind = :transient',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':pending': 'pending',
              ':now': now.toISOString(),
              ':zero': 0,
              ':failed': 'failed',
              ':transient': 'transient',
            },
          }),
        );
        requeued += 1;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return requeued;
  }

  async settleFromSendEvent(
    mailingId: string,
    personId: string,
    messageId: string,
    at: Date,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mailingRecipient(mailingId, personId),
          UpdateExpression: 'SET #state = :sent, messageId = :messageId, settledAt = :at, settledBy = :event',
          ConditionExpression: 'attribute_exists(PK) AND #state IN (:pending, :sending)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sent': 'sent',
            ':messageId': messageId,
            ':at': at.toISOString(),
            ':event': 'send-event',
            ':pending': 'pending',
            ':sending': 'sending',
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Every recipient item of the mailing, a page at a time (never all in memory). */
  private async eachRecipient(
    mailingId: string,
    query: Pick<
      QueryCommandInput,
      'ProjectionExpression' | 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
    visit: (item: Record<string, unknown>) => void,
  ): Promise<void> {
    const range = keys.mailingRecipients(mailingId);
    let start: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ...query,
          ExpressionAttributeValues: {
            ...query.ExpressionAttributeValues,
            ':pk': range.PK,
            ':prefix': range.skPrefix,
          },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of Items) visit(item);
      start = LastEvaluatedKey;
    } while (start);
  }
}

const prefixed = (listing: { PersonPK: string; PersonSK: string }) => ({
  ':personPK': listing.PersonPK,
  ':personSK': listing.PersonSK,
});

/** The counts as attributes of the progress item (flat, so ADD works before they exist). */
const countNames = ['audience', 'sent', 'skipped', 'failed', 'inDoubt'] as const;

/**
 * The sender's progress of a mailing (table-design.ts: `sending progress`), apart from the mailing item that
 * organisers write whole, so neither overwrites the other. Counts are added as the sender reports them and
 * set exactly from a recount of the ledger when the snapshot is done and when the mailing is sent.
 */
export class DynamoSendingProgress implements SendingProgressStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(mailingId: string): Promise<SendingProgress | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.sendingProgress(mailingId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const number = (name: string) => (typeof Item[name] === 'number' ? (Item[name] as number) : 0);
    const cursor = Item.snapshotCursor as SnapshotCursor | undefined;
    return {
      snapshot: { done: Item.snapshotDone === true, ...(cursor ? { cursor } : {}) },
      counts: Object.fromEntries(
        countNames.map((name) => [name, Math.max(0, number(name))]),
      ) as unknown as MailingCounts,
      ...(typeof Item.rate === 'number' ? { rate: Item.rate } : {}),
      ...(typeof Item.startedAt === 'string' ? { startedAt: Item.startedAt } : {}),
      ...(typeof Item.finishedAt === 'string' ? { finishedAt: Item.finishedAt } : {}),
      deliveries: number('deliveries'),
      complaints: number('complaints'),
      complaintsAcknowledged: number('complaintsAcknowledged'),
    };
  }

  async snapshotPage(
    mailingId: string,
    added: number,
    next: SnapshotCursor | undefined,
    now: Date,
  ): Promise<void> {
    await this.update(mailingId, {
      UpdateExpression: `SET snapshotDone = :done, startedAt = if_not_exists(startedAt, :now), updatedAt = :now${
        next ? ', snapshotCursor = :cursor' : ''
      } ADD audience :added${next ? '' : ' REMOVE snapshotCursor'}`,
      ExpressionAttributeValues: {
        ':done': next === undefined,
        ':now': now.toISOString(),
        ':added': added,
        ...(next ? { ':cursor': next } : {}),
      },
    });
  }

  async report(mailingId: string, tallies: Partial<MailingCounts>, rate: number, now: Date): Promise<void> {
    const adds = countNames.filter((name) => (tallies[name] ?? 0) !== 0);
    await this.update(mailingId, {
      UpdateExpression: `SET rate = :rate, updatedAt = :now${
        adds.length ? ` ADD ${adds.map((name) => `${name} :${name}`).join(', ')}` : ''
      }`,
      ExpressionAttributeValues: {
        ':rate': rate,
        ':now': now.toISOString(),
        ...Object.fromEntries(adds.map((name) => [`:${name}`, tallies[name]])),
      },
    });
  }

  async setCounts(mailingId: string, counts: MailingCounts, now: Date, finished: boolean): Promise<void> {
    await this.update(mailingId, {
      UpdateExpression: `SET ${countNames.map((name) => `${name} = :${name}`).join(', ')}, updatedAt = :now${
        finished ? ', finishedAt = :now' : ' REMOVE finishedAt'
      }`,
      ExpressionAttributeValues: {
        ':now': now.toISOString(),
        ...Object.fromEntries(countNames.map((name) => [`:${name}`, counts[name]])),
      },
    });
  }

  async acknowledgeComplaints(mailingId: string): Promise<void> {
    const progress = await this.get(mailingId);
    await this.update(mailingId, {
      UpdateExpression: 'SET complaintsAcknowledged = :complaints',
      ExpressionAttributeValues: { ':complaints': progress?.complaints ?? 0 },
    });
  }

  /**
   * Marks the recipient's item (`deliveredAt` or `complainedAt`, once), then adds one to the mailing's count:
   * a redelivered SES event finds the mark and counts nothing. Not one transaction: the progress item is
   * written every second by the sender and by every event, and transactions on it would conflict; a process
   * that dies between the two writes loses that one count (the mark stays, so no retry adds it).
   */
  async recordFeedback(
    mailingId: string,
    personId: string,
    feedback: 'delivery' | 'complaint',
    at: Date,
  ): Promise<boolean> {
    const mark = feedback === 'delivery' ? 'deliveredAt' : 'complainedAt';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mailingRecipient(mailingId, personId),
          UpdateExpression: 'SET #mark = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#mark)',
          ExpressionAttributeNames: { '#mark': mark },
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.update(mailingId, {
      UpdateExpression: `ADD ${feedback === 'delivery' ? 'deliveries' : 'complaints'} :one`,
      ExpressionAttributeValues: { ':one': 1 },
    });
    return true;
  }

  private async update(
    mailingId: string,
    update: Pick<UpdateCommandInput, 'UpdateExpression' | 'ExpressionAttributeValues'>,
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: keys.sendingProgress(mailingId), ...update }),
    );
  }
}

/**
 * The sender's lease (table-design.ts: `sender lease`): one item, its owner and until when (epoch ms). Taken
 * when free, expired or already this owner's; renewed and released by its owner only.
 */
export class DynamoSenderLease implements SenderLease {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async acquire(owner: string, now: Date, until: Date): Promise<boolean> {
    return this.conditionally({
      UpdateExpression: 'SET #owner = :owner, leaseUntil = :until',
      ConditionExpression: 'attribute_not_exists(#owner) OR leaseUntil <= :now OR #owner = :owner',
      ExpressionAttributeValues: { ':owner': owner, ':until': until.getTime(), ':now': now.getTime() },
    });
  }

  async renew(owner: string, until: Date): Promise<boolean> {
    return this.conditionally({
      UpdateExpression: 'SET leaseUntil = :until',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeValues: { ':owner': owner, ':until': until.getTime() },
    });
  }

  async release(owner: string): Promise<void> {
    await this.conditionally({
      UpdateExpression: 'REMOVE #owner, leaseUntil',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeValues: { ':owner': owner },
    });
  }

  private async conditionally(
    update: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.senderLease(),
          ExpressionAttributeNames: { '#owner': 'owner' },
          ...update,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
