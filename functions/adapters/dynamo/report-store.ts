import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredMailing } from '../../core/mailings/drafts';
import { StaleMailing } from '../../core/mailings/mailing';
import { ConcurrentChange } from '../../core/ports';
import { type Report, type ReportSummary, SlugTaken, StaleReport } from '../../core/reports/report';
import type { AnnouncementWrite, ReportPage, ReportStore } from '../../core/reports/use-cases';
import { transactRecorded } from './audited-writes';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import { mailingItem, writtenAsRead } from './mailing-store';
import { keys } from './table-design';
import { type TransactItem, TransactionConditionFailed } from './transactions';

/** The attributes of a report's item: the report itself, keyed, and listed under its status by date. */
const reportItem = (report: Report) => ({
  ...keys.report(report.reportId),
  ...keys.reportListing(report.status, report.publishedOn, report.reportId),
  entity: 'Report',
  ...report,
});

/** How many reads one page of a kind may take before it answers with what it has (and where to go on). */
const maxFilteredRounds = 10;

/** Every attribute of a report but its body: what a list reads. */
const summaryAttributes = [
  'reportId',
  'slug',
  'title',
  'kind',
  'summary',
  'publishedOn',
  'meetingId',
  'visibility',
  'status',
  'version',
  'createdAt',
  'updatedAt',
  'firstPublishedAt',
  'createdBy',
  'announcementId',
  'scheduledAt',
  'notice',
  'approveRequests',
  'document',
] as const satisfies readonly (keyof ReportSummary)[];

const reportOf = (item: Record<string, unknown>): Report => {
  const { PK: _pk, SK: _sk, GSI1PK: _gsiPk, GSI1SK: _gsiSk, entity: _entity, ...report } = item;
  return report as unknown as Report;
};

/**
 * Reports in the single table (table-design.ts: `report`, `report address`). A report and the claim on its
 * slug are written in one transaction, so two reports never share an address; a slug once claimed keeps
 * naming its report, so an old address can redirect to the current one.
 */
export class DynamoReportStore implements ReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(reportId: string): Promise<Report | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.report(reportId), ConsistentRead: true }),
    );
    return Item ? reportOf(Item) : undefined;
  }

  async bySlug(slug: string): Promise<Report | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.reportSlug(slug) }),
    );
    return typeof Item?.reportId === 'string' ? this.get(Item.reportId) : undefined;
  }

  async create(report: Report, announcement?: StoredMailing): Promise<void> {
    try {
      await transactRecorded(
        this.client,
        this.tableName,
        [
          {
            Put: {
              TableName: this.tableName,
              Item: reportItem(report),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          this.slugClaim(report),
          ...(announcement
            ? [
                {
                  Put: {
                    TableName: this.tableName,
                    Item: mailingItem(announcement),
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
              ]
            : []),
        ],
        { kind: 'report', targetId: report.reportId, after: report },
      );
    } catch (error) {
      if (!(error instanceof TransactionConditionFailed)) throw error;
      if (error.failedItems.includes(1)) throw new SlugTaken(report.slug);
      throw new ConcurrentChange();
    }
  }

  async replace(previous: Report, next: Report, announcement?: AnnouncementWrite): Promise<void> {
    const slugChanged = next.slug !== previous.slug;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: reportItem(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': previous.version },
        },
      },
      ...(announcement
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: mailingItem(announcement.next),
                ...writtenAsRead(announcement.previous),
              },
            },
          ]
        : []),
    ];
    const slugIndex = slugChanged ? items.push(this.slugClaim(next)) - 1 : -1;
    try {
      await transactRecorded(this.client, this.tableName, items, {
        kind: 'report',
        targetId: next.reportId,
        before: previous,
        after: next,
      });
    } catch (error) {
      if (!(error instanceof TransactionConditionFailed)) throw error;
      // A stale version first: what the organiser read is not what is there, whatever else failed.
      if (error.failedItems.includes(0)) throw new StaleReport();
      if (error.failedItems.includes(slugIndex)) throw new SlugTaken(next.slug);
      throw new StaleMailing();
    }
  }

  async list({
    status,
    kind,
    cursor,
    limit,
  }: {
    readonly status: Report['status'];
    readonly kind?: Report['kind'];
    readonly cursor?: string;
    readonly limit: number;
  }): Promise<ReportPage> {
    const listing = keys.reportsByStatus(status);
    const items: ReportSummary[] = [];
    let start = cursor ? decodeListCursor(cursor, listing.GSI1PK) : undefined;
    // A kind is a filter after the read: read on, each time only as many as the page still lacks (so the
    // last key read is exactly where the next page starts), until the page is full or the list ends.
    for (let round = 0; round < maxFilteredRounds; round++) {
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ...(kind ? { FilterExpression: '#kind = :kind' } : {}),
          ProjectionExpression: summaryAttributes.map((_, i) => `#a${i}`).join(', '),
          ExpressionAttributeNames: {
            ...Object.fromEntries(summaryAttributes.map((name, i) => [`#a${i}`, name])),
            ...(kind ? { '#kind': 'kind' } : {}),
          },
          ExpressionAttributeValues: { ':pk': listing.GSI1PK, ...(kind ? { ':kind': kind } : {}) },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...Items.map((item) => reportOf(item) as ReportSummary));
      start = LastEvaluatedKey as Record<string, string> | undefined;
      if (!start || items.length >= limit) break;
    }
    return { items, nextCursor: encodeListCursor(start) };
  }

  /** The slug's item, new or already this report's (a report may take back an address it had). */
  private slugClaim(report: Report): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.reportSlug(report.slug), entity: 'ReportSlug', reportId: report.reportId },
        ConditionExpression: 'attribute_not_exists(PK) OR reportId = :reportId',
        ExpressionAttributeValues: { ':reportId': report.reportId },
      },
    };
  }
}
