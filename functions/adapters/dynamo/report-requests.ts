import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxMail } from '../../core/mailings/outbox';
import type { MailRate, MailRateChange } from '../../core/people/mail-rate';
import { ConcurrentChange } from '../../core/ports';
import type { ReportRequest, ReportRequestStore } from '../../core/reports/requests';
import { epochSeconds, reportRequestExpiresAt } from '../../core/retention';
import { transactRecorded } from './audited-writes';
import { mailRateFrom, mailRatePut } from './mail-rate';
import { outboxPut } from './outbox';
import { keys, listedForPerson } from './table-design';
import { TransactionConditionFailed } from './transactions';

/**
 * Requests for reports on request (table-design.ts: `report request`): one item per person and report, in
 * the report's partition, listed under the person (the person index), deleted by TTL the stage's retention
 * after the request. A request and the mail it causes are one transaction.
 */
export class DynamoReportRequestStore implements ReportRequestStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** REPORT_REQUEST_RETENTION_DAYS. */
    private readonly retentionDays: number,
  ) {}

  async get(reportId: string, personId: string): Promise<ReportRequest | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.reportRequest(reportId, personId),
        ConsistentRead: true,
      }),
    );
    // An item past its TTL may still be read until DynamoDB deletes it: it is gone all the same.
    if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt <= epochSeconds(new Date()))) {
      return undefined;
    }
    return requestOf(Item);
  }

  async loadMailRate(personId: string): Promise<MailRate> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.mailRate(personId), ConsistentRead: true }),
    );
    return mailRateFrom(Item);
  }

  async save(
    previous: ReportRequest | undefined,
    next: ReportRequest,
    mails: readonly OutboxMail[],
    mailRate?: MailRateChange,
  ) {
    try {
      await transactRecorded(
        this.client,
        this.tableName,
        [
          ...(mailRate ? [mailRatePut(this.tableName, next.personId, mailRate)] : []),
          {
            Put: {
              TableName: this.tableName,
              Item: listedForPerson({
                ...keys.reportRequest(next.reportId, next.personId),
                entity: 'ReportRequest',
                ...next,
                // Unconfirmed: gone with its confirm link; confirmed: the stage's retention (core/retention.ts).
                expiresAt: reportRequestExpiresAt(next, this.retentionDays),
              }),
              ...(previous
                ? {
                    ConditionExpression: '#status = :status AND lastMailedAt = :mailed',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: {
                      ':status': previous.status,
                      ':mailed': previous.lastMailedAt,
                    },
                  }
                : {
                    // Absent, or past its TTL and not yet deleted (get() reads such an item as absent).
                    ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
                    ExpressionAttributeValues: { ':now': epochSeconds(new Date()) },
                  }),
            },
          },
          ...mails.map((mail) => outboxPut(this.tableName, mail)),
        ],
        {
          kind: 'report-request',
          targetId: next.reportId,
          ...(previous ? { before: previous } : {}),
          after: next,
          personId: next.personId,
        },
      );
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new ConcurrentChange();
      throw error;
    }
  }

  async countDownload(reportId: string, personId: string, at: Date): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.reportRequest(reportId, personId),
          UpdateExpression: 'ADD downloads :one SET lastDownloadAt = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString() },
        }),
      )
      .catch((error: unknown) => {
        // Deleted meanwhile (its retention ended): the download went out; there is nothing left to count on.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async list(reportId: string): Promise<readonly ReportRequest[]> {
    const requests: ReportRequest[] = [];
    let start: Record<string, unknown> | undefined;
    const now = epochSeconds(new Date());
    do {
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :requests)',
          ExpressionAttributeValues: {
            ':pk': keys.report(reportId).PK,
            ':requests': keys.reportRequest(reportId, '').SK,
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      requests.push(
        ...Items.filter((item) => typeof item.expiresAt !== 'number' || item.expiresAt > now).map(requestOf),
      );
      start = LastEvaluatedKey;
    } while (start);
    return requests.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }
}

/** Written by this module only: the item less its keys, listing and TTL is the request. */
const requestOf = (item: Record<string, unknown>): ReportRequest => {
  const {
    PK: _pk,
    SK: _sk,
    PersonPK: _ppk,
    PersonSK: _psk,
    entity: _entity,
    expiresAt: _expiresAt,
    ...request
  } = item;
  return request as unknown as ReportRequest;
};
