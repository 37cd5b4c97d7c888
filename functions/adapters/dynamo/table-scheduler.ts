import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { ScheduledJob, Scheduler } from '../../core/ports';
import { assertScheduleName, scheduleInput } from '../scheduled-jobs';
import { keys, listedUntil } from './table-design';

/** One schedule as the table keeps it. */
export interface StoredSchedule {
  readonly name: string;
  /** ISO instant (UTC) it is due. */
  readonly dueAt: string;
  /** The job as JSON: the event its function receives, as EventBridge Scheduler's `Input`. */
  readonly input: string;
  /** New on every write: a run deletes the schedule only if it is still the one it ran. */
  readonly revision: string;
  /** Set when the local runner gave up on it: out of the due index, kept for `npm run local -- fire`. */
  readonly failedAt?: string;
  /** A recurring schedule's cron expression: after a run it moves to its next time instead of going. */
  readonly expression?: string;
}

const storedSchedule = z.object({
  name: z.string().check(z.minLength(1)),
  dueAt: z.iso.datetime(),
  input: z.string(),
  revision: z.string().check(z.minLength(1)),
  failedAt: z.optional(z.string()),
  expression: z.optional(z.string()),
});

const readSchedule = (item: Record<string, unknown>): StoredSchedule => {
  const { name, dueAt, input, revision, failedAt, expression } = storedSchedule.parse(item);
  return {
    name,
    dueAt,
    input,
    revision,
    ...(failedAt !== undefined ? { failedAt } : {}),
    ...(expression !== undefined ? { expression } : {}),
  };
};

/** What a conditional delete or update of a schedule found: done, or the schedule moved or went meanwhile. */
export type ScheduleChangeOutcome = 'done' | 'changed';

const whenUnchanged = async (write: () => Promise<unknown>): Promise<ScheduleChangeOutcome> => {
  try {
    await write();
    return 'done';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'changed';
    throw error;
  }
};

/**
 * The Scheduler port over the single table, for the offline twin (docs/architecture.md, "Schedules"): a schedule is one
 * item, due ones are found by a Query on GSI1 (never a Scan), and they survive a restart because the table
 * does. Only the port's two operations run in the functions; the rest is what local/scheduler uses to fire
 * schedules, as EventBridge Scheduler does in AWS.
 */
export class TableScheduler implements Scheduler {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly newRevision: () => string = randomUUID,
  ) {}

  /** Creates the schedule or moves it: a Put replaces the whole item, as UpdateSchedule replaces a schedule. */
  async scheduleOnce(name: string, at: Date, job: ScheduledJob): Promise<void> {
    assertScheduleName(name);
    if (Number.isNaN(at.getTime())) throw new RangeError('The time of a schedule is not a valid date');
    await this.#put(name, at, scheduleInput(job));
  }

  /** The schedule's whole item, a new revision: created, or replaced as UpdateSchedule replaces one. */
  async #put(name: string, at: Date, input: string, expression?: string): Promise<void> {
    const dueAt = at.toISOString();
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.schedule(name),
          ...keys.scheduleListing(dueAt, name),
          entity: 'Schedule',
          name,
          dueAt,
          input,
          ...(expression !== undefined ? { expression } : {}),
          revision: this.newRevision(),
        },
      }),
    );
  }

  async cancel(name: string): Promise<void> {
    assertScheduleName(name);
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.schedule(name) }));
  }

  /**
   * Schedules due at `now`, earliest first. The index is eventually consistent: read each one again with
   * `find` before running it.
   */
  async dueSchedules(now: Date, limit = 100): Promise<StoredSchedule[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        // Every `<dueAt>#<name>` with dueAt <= now sorts below listedUntil(now).
        KeyConditionExpression: 'GSI1PK = :due AND GSI1SK < :until',
        ExpressionAttributeValues: {
          ':due': keys.dueSchedules().GSI1PK,
          ':until': listedUntil(now.toISOString()),
        },
        Limit: limit,
      }),
    );
    return (Items ?? []).map(readSchedule);
  }

  /** The schedule as it is now (a strongly consistent read), or undefined. */
  async find(name: string): Promise<StoredSchedule | undefined> {
    assertScheduleName(name);
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.schedule(name), ConsistentRead: true }),
    );
    return Item ? readSchedule(Item) : undefined;
  }

  /**
   * A recurring schedule, as the CDK creates one next to its function: kept as it is when it is there with
   * the same expression and input (so a time that passed while nothing ran still fires, once), else written
   * due at `firstDueAt`.
   */
  async ensureRecurring(
    name: string,
    expression: string,
    input: string,
    firstDueAt: Date,
  ): Promise<'kept' | 'written'> {
    const existing = await this.find(name);
    if (existing?.expression === expression && existing.input === input && existing.failedAt === undefined) {
      return 'kept';
    }
    await this.#put(name, firstDueAt, input, expression);
    return 'written';
  }

  /**
   * After a run (ActionAfterCompletion DELETE): deletes the schedule unless it was moved or replaced meanwhile.
   * A recurring one (`nextDueAt` given) moves to its next time instead, on the same condition.
   */
  async complete(schedule: StoredSchedule, nextDueAt?: Date): Promise<ScheduleChangeOutcome> {
    if (nextDueAt !== undefined) {
      const dueAt = nextDueAt.toISOString();
      return whenUnchanged(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.schedule(schedule.name),
            UpdateExpression: 'SET dueAt = :dueAt, GSI1PK = :due, GSI1SK = :listed, revision = :next',
            ConditionExpression: 'revision = :revision',
            ExpressionAttributeValues: {
              ':dueAt': dueAt,
              ':due': keys.scheduleListing(dueAt, schedule.name).GSI1PK,
              ':listed': keys.scheduleListing(dueAt, schedule.name).GSI1SK,
              ':next': this.newRevision(),
              ':revision': schedule.revision,
            },
          }),
        ),
      );
    }
    return whenUnchanged(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.schedule(schedule.name),
          ConditionExpression: 'revision = :revision',
          ExpressionAttributeValues: { ':revision': schedule.revision },
        }),
      ),
    );
  }

  /** Gives up on a schedule (the dead-letter queue's part offline): out of the due index, kept for `fire`. */
  async markFailed(schedule: StoredSchedule, at: Date): Promise<ScheduleChangeOutcome> {
    return whenUnchanged(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.schedule(schedule.name),
          UpdateExpression: 'SET failedAt = :failedAt REMOVE GSI1PK, GSI1SK',
          ConditionExpression: 'revision = :revision',
          ExpressionAttributeValues: { ':revision': schedule.revision, ':failedAt': at.toISOString() },
        }),
      ),
    );
  }
}
