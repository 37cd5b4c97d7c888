import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoMeetingCatalogue } from '../../functions/adapters/dynamo/meeting-catalogue';
import { DynamoMeetingLifecycle } from '../../functions/adapters/dynamo/meeting-lifecycle';
import { DynamoReportStore } from '../../functions/adapters/dynamo/report-store';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { reminderAt, reminderScheduleName } from '../../functions/core/meetings/model';
import { seedMeetings } from './meetings';
import { seedReportDocuments, seedReports } from './reports';

/**
 * The demo data of the offline twin, transcribed from the programme's 2024 year update
 * (docs/architecture.md, "The offline twin"). Seeded once per data folder: a marker item records it, so a restart does not seed again. Raise the version when
 * the seed changes in a way an existing `.data` folder should receive.
 */
export const seedVersion = 'v5';

export interface SeedContext {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The first start: upcoming meetings are dated relative to it. */
  readonly now: Date;
  /** Stores a demo report's PDF in the local S3 bucket; without it (tests) no document is seeded. */
  readonly putDocument?: (key: string, content: Uint8Array) => Promise<void>;
}

/**
 * One part of the demo data (meetings, reports, subscribers, …). A step must be idempotent (conditional
 * puts, or the use cases themselves), because a start that dies half-way seeds again.
 */
export type SeedStep = (context: SeedContext) => Promise<void>;

/** The extension point: later issues append steps here, in the order they must run. */
const seedSteps: readonly SeedStep[] = [
  // The meetings of the knowledge network: past ones of 2024, and the two announced ones open for registration.
  ({ documentClient, tableName, now }) =>
    seedMeetings(new DynamoMeetingLifecycle(documentClient, tableName), now),
  // The seed writes the upcoming meetings as published, past the use case that schedules their reminders.
  async ({ documentClient, tableName, now }) => {
    const { items } = await new DynamoMeetingCatalogue(documentClient, tableName).listMeetings({
      status: 'published',
      from: now,
      limit: 50,
    });
    const scheduler = new TableScheduler(documentClient, tableName);
    for (const meeting of items) {
      const at = reminderAt(meeting);
      if (at.getTime() <= now.getTime()) continue;
      await scheduler.scheduleOnce(reminderScheduleName(meeting.meetingId), at, {
        kind: 'meeting-reminder',
        meetingId: meeting.meetingId,
      });
    }
  },
  // The reports: the 2024 year update, the publications it lists, one meeting report on request.
  ({ documentClient, tableName }) => seedReports(new DynamoReportStore(documentClient, tableName)),
  // The PDF of the report on request, in the local bucket, so its request form works (also for a data
  // folder seeded before there were PDFs: the report gets its document if it has none).
  ({ documentClient, tableName, putDocument }) =>
    putDocument ? seedReportDocuments(documentClient, tableName, putDocument) : Promise.resolve(),
];

export type SeedOutcome = 'seeded' | 'already-seeded';

/** Seeds the demo data unless this table has it already; the marker is written last. */
export const seedDemoData = async (
  documentClient: DynamoDBDocumentClient,
  tableName: string,
  now: Date,
  putDocument?: SeedContext['putDocument'],
): Promise<SeedOutcome> => {
  const marker = keys.seedMarker(seedVersion);
  const existing = await documentClient.send(
    new GetCommand({ TableName: tableName, Key: marker, ConsistentRead: true }),
  );
  if (existing.Item) return 'already-seeded';

  for (const step of seedSteps) {
    await step({ documentClient, tableName, now, ...(putDocument ? { putDocument } : {}) });
  }

  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...marker, seededAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return 'seeded';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'already-seeded';
    throw error;
  }
};
