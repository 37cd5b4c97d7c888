import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerClaim, SendLedger } from '../../core/mailings/outbox';
import { keys } from './table-design';

/** Ledger records outlive their outbox mail (7 days) and any stream retry (24 hours). */
const ledgerRetentionSeconds = 8 * 24 * 3600;

/**
 * The send ledger in the single table: one record per outbox mail. Claiming is one conditional update (free,
 * or a lease that ran out); only when it fails is the record read, strongly, to tell "sent" from "busy".
 */
export class DynamoSendLedger implements SendLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(mailId: string, now: Date, leaseSeconds: number): Promise<LedgerClaim> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sendLedger(mailId),
          UpdateExpression:
            'SET #state = :sending, leaseUntil = :leaseUntil, attempts = if_not_exists(attempts, :zero) + :one, entity = :entity, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(PK) OR (#state = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':leaseUntil': nowSeconds + leaseSeconds,
            ':now': nowSeconds,
            ':zero': 0,
            ':one': 1,
            ':entity': 'SendLedger',
            ':expiresAt': nowSeconds + ledgerRetentionSeconds,
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.sendLedger(mailId), ConsistentRead: true }),
    );
    return Item?.state === 'sent' ? 'sent' : 'busy';
  }

  async release(mailId: string, claimedAt: Date, leaseSeconds: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sendLedger(mailId),
          // leaseUntil identifies the claim: a later claim (after this lease ran out) has another, and keeps it.
          UpdateExpression: 'SET leaseUntil = :released',
          ConditionExpression: '#state = :sending AND leaseUntil = :leaseUntil',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':released': 0,
            ':sending': 'sending',
            ':leaseUntil': Math.floor(claimedAt.getTime() / 1000) + leaseSeconds,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async markSent(mailId: string, messageId: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.sendLedger(mailId),
        UpdateExpression: 'SET #state = :sent, messageId = :messageId, sentAt = :sentAt REMOVE leaseUntil',
        ConditionExpression: '#state = :sending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':sending': 'sending',
          ':messageId': messageId,
          ':sentAt': now.toISOString(),
        },
      }),
    );
  }
}
