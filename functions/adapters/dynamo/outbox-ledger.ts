import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type Claim,
  type ClaimResult,
  deliveryLeaseSeconds,
  type OutboxLedger,
  type OutboxRef,
  type PostponeReason,
  sendEventWaitSeconds,
} from '../../core/mailings/delivery';
import { epochSeconds, sendLedgerSeconds, unsettledOutboxSeconds } from '../../core/retention';
import { redactAddresses } from '../redaction';
import { outboxEntryFromItem, pendingListingKey } from './outbox';
import { keys, listedUntil, outboxKeyPrefix } from './table-design';

/** What settling an entry ends: its claim, and when anyone may act on it next. */
const claimAttributes = 'claimId, claimedAt, dueAt';

/**
 * What a settled mail no longer needs (core/retention.ts): the address, the name and the data it was rendered
 * from. Nothing reads them once it is sent or skipped (a claim reads only the state of a settled entry; SES
 * events carry their own address), so they go in the write that settles it; the ledger record stays.
 * Removed only from mails whose item was read as a mail (recipient is a map), as a path into anything
 * else is refused.
 */
const mailContent = 'recipient.address, recipient.#recipientName, #mailData';
const mailContentNames = { '#recipientName': 'name', '#mailData': 'data' };

export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'done';

/** An outbox entry as the organisers' and the local `outbox` listing show it. */
export interface OutboxListing extends OutboxRef {
  readonly kind: string;
  readonly state: OutboxState;
  readonly createdAt: string;
  readonly attempts: number;
  /** Pending: when it is tried next. */
  readonly dueAt?: string;
  readonly lastError?: { readonly reason: PostponeReason; readonly detail: string; readonly at: string };
  readonly failedAt?: string;
  readonly failure?: string;
}

/**
 * The delivery state of outbox entries, on the entry's own item (OUTBOX#<id> / MAIL or JOB). One conditional
 * update per transition, each guarded by the claim id, so a delivery whose claim is no longer current can
 * change nothing. Unsettled entries are listed in GSI1 under OUTBOX#pending by the time the sweeper should
 * look at them; failed ones under OUTBOX#failed.
 */
export class DynamoOutboxLedger implements OutboxLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly newClaimId: () => string = randomUUID,
  ) {}

  async claim(ref: OutboxRef, now: Date): Promise<ClaimResult> {
    const key = keyOf(ref);
    const claimId = this.newClaimId();
    // After the lease, the mail is in doubt: nobody takes it before SES's Send event had time to settle it.
    const reclaimAt = new Date(now.getTime() + (deliveryLeaseSeconds + sendEventWaitSeconds) * 1000);
    let previous: Record<string, unknown>;
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET #state = :sending, claimId = :claimId, claimedAt = :now, dueAt = :reclaimAt, ' +
            'GSI1SK = :listing, attempts = if_not_exists(attempts, :zero) + :one',
          ConditionExpression: 'attribute_exists(PK) AND #state IN (:pending, :sending) AND dueAt <= :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':pending': 'pending',
            ':claimId': claimId,
            ':now': now.toISOString(),
            ':reclaimAt': reclaimAt.toISOString(),
            ':listing': pendingListingKey(reclaimAt, ref.id).GSI1SK,
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      previous = result.Attributes ?? {};
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.whyNotClaimable(key, now);
    }
    const claim: Claim = {
      ref,
      claimId,
      attempt: Number(previous.attempts ?? 0) + 1,
      resend: previous.state === 'sending',
      createdAt: String(previous.createdAt),
    };
    const reading = outboxEntryFromItem(previous);
    if (!reading.ok) {
      // Its item cannot change, so no retry can read it: failed at once, with what can be said without values.
      await this.fail(claim, now, `unreadable outbox item: ${reading.problems.join('; ')}`);
      return { outcome: 'unreadable', kind: reading.kind, problems: reading.problems };
    }
    return { outcome: 'claimed', claim, entry: reading.entry };
  }

  async complete(claim: Claim, now: Date, messageId?: string): Promise<'done' | 'superseded'> {
    // A job holds no personal data: its record is the ledger entry as it is.
    const isMail = claim.ref.type === 'mail';
    const done = await this.settle(claim, {
      UpdateExpression:
        `SET #state = :settled, settledAt = :now, expiresAt = :expiresAt${messageId ? ', messageId = :messageId' : ''}` +
        `${claim.resend ? ' ADD resends :one' : ''} REMOVE ${claimAttributes}, GSI1PK, GSI1SK, lastError` +
        `${isMail ? `, ${mailContent}` : ''}`,
      ...(isMail ? { ExpressionAttributeNames: mailContentNames } : {}),
      ExpressionAttributeValues: {
        ':settled': messageId ? 'sent' : 'done',
        ':now': now.toISOString(),
        ':expiresAt': epochSeconds(now) + sendLedgerSeconds,
        ...(messageId ? { ':messageId': messageId } : {}),
        ...(claim.resend ? { ':one': 1 } : {}),
      },
    });
    if (done) return 'done';
    // SES's Send event may have settled it while this delivery ran: that is the same mail, sent once.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(claim.ref), ConsistentRead: true }),
    );
    return Item?.state === 'sent' && Item.messageId === messageId ? 'done' : 'superseded';
  }

  async fail(claim: Claim, now: Date, reason: string): Promise<void> {
    const at = now.toISOString();
    const listing = keys.failedOutboxListing(at, claim.ref.id);
    await this.settle(claim, {
      UpdateExpression:
        'SET #state = :failed, failedAt = :now, failure = :reason, GSI1PK = :failedPk, GSI1SK = :failedSk, ' +
        `expiresAt = :expiresAt REMOVE ${claimAttributes}`,
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':now': at,
        // Error texts may quote the address; the ledger keeps them for a year, so never with one.
        ':reason': redactAddresses(reason),
        ':failedPk': listing.GSI1PK,
        ':failedSk': listing.GSI1SK,
        // The ledger's year; its content leaves with its listing (failed-mail-retention.ts, nightly).
        ':expiresAt': epochSeconds(now) + sendLedgerSeconds,
      },
    });
  }

  async skip(claim: Claim, now: Date, reason: string): Promise<void> {
    await this.settle(claim, {
      UpdateExpression:
        'SET #state = :skipped, settledAt = :now, skipReason = :reason, expiresAt = :expiresAt ' +
        `REMOVE ${claimAttributes}, GSI1PK, GSI1SK, lastError, ${mailContent}`,
      ExpressionAttributeNames: mailContentNames,
      ExpressionAttributeValues: {
        ':skipped': 'skipped',
        ':now': now.toISOString(),
        ':reason': redactAddresses(reason),
        ':expiresAt': epochSeconds(now) + sendLedgerSeconds,
      },
    });
  }

  async postpone(
    claim: Claim,
    now: Date,
    until: Date,
    reason: PostponeReason,
    detail: string,
  ): Promise<void> {
    await this.settle(claim, {
      UpdateExpression:
        'SET #state = :pending, dueAt = :until, GSI1SK = :listing, lastError = :lastError, ' +
        'expiresAt = :expiresAt REMOVE claimId, claimedAt',
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':until': until.toISOString(),
        ':listing': pendingListingKey(until, claim.ref.id).GSI1SK,
        ':lastError': { reason, detail: redactAddresses(detail), at: now.toISOString() },
        // A mail that keeps waiting (SES paused for days) must not expire while it waits.
        ':expiresAt': epochSeconds(until) + unsettledOutboxSeconds,
      },
    });
  }

  async due(now: Date, limit: number): Promise<readonly OutboxRef[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :until',
        ExpressionAttributeValues: {
          ':pk': keys.unsettledOutbox().GSI1PK,
          ':until': listedUntil(now.toISOString()),
        },
        ProjectionExpression: 'PK, SK',
        Limit: limit,
      }),
    );
    return Items.map(refOf);
  }

  async oldestUnsettled(): Promise<Date | undefined> {
    // The listing is ordered by when to look next, not by age: read the ages of all (a handful normally;
    // bounded, so a huge backlog costs at most a few pages — it alarms long before that).
    let oldest: string | undefined;
    let startKey: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.unsettledOutbox().GSI1PK },
          ProjectionExpression: 'createdAt',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const createdAt = String(item.createdAt);
        if (oldest === undefined || createdAt < oldest) oldest = createdAt;
      }
      startKey = page.LastEvaluatedKey;
      pages += 1;
    } while (startKey && pages < 10);
    return oldest === undefined ? undefined : new Date(oldest);
  }

  async settleFromSendEvent(mailId: string, messageId: string, at: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.outboxMail(mailId),
          UpdateExpression:
            'SET #state = :sent, settledAt = :at, messageId = :messageId, settledBy = :event, expiresAt = :expiresAt ' +
            `REMOVE ${claimAttributes}, GSI1PK, GSI1SK, ${mailContent}`,
          ConditionExpression: '#state IN (:pending, :sending)',
          ExpressionAttributeNames: { '#state': 'state', ...mailContentNames },
          ExpressionAttributeValues: {
            ':sent': 'sent',
            ':at': at.toISOString(),
            ':expiresAt': epochSeconds(at) + sendLedgerSeconds,
            ':messageId': messageId,
            ':event': 'ses-send-event',
            ':pending': 'pending',
            ':sending': 'sending',
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Unsettled or failed entries, newest listing first, for people (`npm run local -- outbox`). */
  async list(which: 'pending' | 'failed', limit: number): Promise<readonly OutboxListing[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: {
          ':pk': which === 'pending' ? keys.unsettledOutbox().GSI1PK : keys.failedOutbox().GSI1PK,
        },
        ScanIndexForward: which === 'pending',
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      ...refOf(item),
      kind: String(
        item.SK === keys.outboxJob('').SK ? (item.job as { kind?: string } | undefined)?.kind : item.kind,
      ),
      state: item.state as OutboxState,
      createdAt: String(item.createdAt),
      attempts: Number(item.attempts ?? 0),
      ...(typeof item.dueAt === 'string' ? { dueAt: item.dueAt } : {}),
      ...(item.lastError ? { lastError: item.lastError as NonNullable<OutboxListing['lastError']> } : {}),
      ...(typeof item.failedAt === 'string' ? { failedAt: item.failedAt } : {}),
      ...(typeof item.failure === 'string' ? { failure: item.failure } : {}),
    }));
  }

  /** A claim-guarded update; false when the claim is no longer the entry's current one. */
  private async settle(
    claim: Claim,
    update: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(claim.ref),
          ...update,
          ConditionExpression: 'claimId = :claimId',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#state': 'state' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':claimId': claim.claimId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async whyNotClaimable(key: { PK: string; SK: string }, now: Date): Promise<ClaimResult> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (!Item) return { outcome: 'missing' };
    if (Item.state === 'sending') return { outcome: 'busy' };
    if (Item.state === 'pending' && String(Item.dueAt) > now.toISOString()) return { outcome: 'not-due' };
    // Settled (sent, failed, skipped, done), or written before delivery state lived on the item.
    return { outcome: 'done' };
  }
}

const keyOf = (ref: OutboxRef) => (ref.type === 'job' ? keys.outboxJob(ref.id) : keys.outboxMail(ref.id));

const refOf = (item: Record<string, unknown>): OutboxRef => ({
  id: String(item.PK).slice(outboxKeyPrefix.length),
  type: item.SK === keys.outboxJob('').SK ? 'job' : 'mail',
});
