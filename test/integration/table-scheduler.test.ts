import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import type { ScheduledJob } from '../../functions/core/ports';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import type { HandlerLoader } from '../../local/runtime';
import { fireSchedule } from '../../local/scheduler/invoke';
import {
  type ScheduleRunner,
  type ScheduleRunnerOptions,
  startScheduleRunner,
} from '../../local/scheduler/runner';
import { ensureTable } from '../../local/table';

const endpoint = inject('dynamoDbEndpoint');
const tableName = `dropin-test-${randomUUID().slice(0, 8)}`;
const client = new DynamoDBClient({ ...localAwsSettings, endpoint });
const documents = DynamoDBDocumentClient.from(client);
const scheduler = new TableScheduler(documents, tableName);

/** The job this file schedules: a meeting's reminder (narrowed from the union of scheduled jobs). */
type ReminderJob = Extract<ScheduledJob, { kind: 'meeting-reminder' }>;

/** The id a firing is filed under: its meeting's, its mailing's or its report's. */
const idOf = (event: ScheduledJob): string =>
  event.kind === 'meeting-reminder'
    ? event.meetingId
    : event.kind === 'mailing-send'
      ? event.mailingId
      : event.reportId;

/** What the stand-in for the reminder function received, per meeting id, and how it behaves next. */
const received = new Map<string, unknown[]>();
let behaviour: (event: ScheduledJob) => Promise<void> = async () => undefined;
const loadHandler = (async (entry: string) => {
  expect(entry).toBe('meetingReminders');
  return async (event: ScheduledJob) => {
    received.set(idOf(event), [...(received.get(idOf(event)) ?? []), event]);
    await behaviour(event);
  };
}) as unknown as HandlerLoader;

const logLines: string[] = [];
let runner: ScheduleRunner | undefined;
const startRunner = async (options: Partial<ScheduleRunnerOptions> = {}) => {
  runner = await startScheduleRunner({
    endpoint,
    tableName,
    loadHandler,
    pollIntervalMs: 100,
    log: (line) => logLines.push(line),
    ...options,
  });
};

beforeAll(async () => {
  await ensureTable(client, tableName);
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  behaviour = async () => undefined;
});
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  client.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const inMs = (ms: number) => new Date(Date.now() + ms);
/** A fresh meeting id and its job, so tests never see each other's firings. */
const newJob = (): ReminderJob => ({ kind: 'meeting-reminder', meetingId: randomUUID().replace(/-/g, '') });
const nameOf = (job: ReminderJob) => `reminder-${job.meetingId}`;
const firings = (job: ReminderJob) => received.get(job.meetingId) ?? [];
const until = async (condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
};

describe('the table scheduler and its runner', () => {
  it('fire a schedule due in a second once, with the job as the event, and delete it after', async () => {
    await startRunner();
    const job = newJob();

    await scheduler.scheduleOnce(nameOf(job), inMs(1_000), job);
    expect(firings(job)).toEqual([]);

    await until(() => firings(job).length > 0, 5_000, 'the schedule to fire');
    await until(
      async () => (await scheduler.find(nameOf(job))) === undefined,
      5_000,
      'the schedule to be deleted',
    );
    await sleep(500);
    expect(firings(job)).toEqual([{ kind: 'meeting-reminder', meetingId: job.meetingId }]);
  });

  it('keep the item in the one key design, due ones in the GSI1 listing', async () => {
    const job = newJob();
    const at = new Date('2027-10-31T01:30:00.000Z');

    await scheduler.scheduleOnce(nameOf(job), at, job);

    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: keys.schedule(nameOf(job)), ConsistentRead: true }),
    );
    expect(Item).toMatchObject({
      ...keys.schedule(nameOf(job)),
      ...keys.scheduleListing(at.toISOString(), nameOf(job)),
      dueAt: at.toISOString(),
      input: JSON.stringify(job),
    });
    await scheduler.cancel(nameOf(job));
  });

  it('do not fire a schedule moved later at its old time, but at its new one', async () => {
    await startRunner();
    const job = newJob();

    await scheduler.scheduleOnce(nameOf(job), inMs(1_000), job);
    await scheduler.scheduleOnce(nameOf(job), inMs(3_000), job);

    await sleep(2_000);
    expect(firings(job)).toEqual([]);
    await until(() => firings(job).length > 0, 4_000, 'the moved schedule to fire');
    await sleep(300);
    expect(firings(job)).toHaveLength(1);
  });

  it('do not fire a cancelled schedule; cancelling one that is gone is fine', async () => {
    await startRunner();
    const job = newJob();

    await scheduler.scheduleOnce(nameOf(job), inMs(1_000), job);
    await scheduler.cancel(nameOf(job));
    await scheduler.cancel(nameOf(job));

    await sleep(2_000);
    expect(firings(job)).toEqual([]);
  });

  it('fire a schedule that fell due while no runner ran as soon as one starts', async () => {
    const job = newJob();
    await scheduler.scheduleOnce(nameOf(job), inMs(300), job);
    await sleep(1_000);
    expect(firings(job)).toEqual([]);

    await startRunner();

    await until(() => firings(job).length > 0, 3_000, 'the overdue schedule to fire');
    await until(
      async () => (await scheduler.find(nameOf(job))) === undefined,
      5_000,
      'the schedule to be deleted',
    );
    expect(firings(job)).toHaveLength(1);
  });

  it('keep a schedule that was moved while its run was in progress, for its new time', async () => {
    const job = newJob();
    let moved = false;
    behaviour = async () => {
      if (moved) return;
      moved = true;
      await scheduler.scheduleOnce(nameOf(job), inMs(1_500), job);
    };
    await scheduler.scheduleOnce(nameOf(job), inMs(0), job);

    await startRunner();

    await until(() => firings(job).length === 2, 5_000, 'the moved schedule to fire again');
    // The run is recorded before the runner deletes the schedule it ran: wait for the delete, not a moment.
    await until(
      async () => (await scheduler.find(nameOf(job))) === undefined,
      5_000,
      'the schedule to be deleted',
    );
    expect(firings(job)).toHaveLength(2);
  });

  it('retry a failing run with a growing delay, log it without addresses, and give up after the last attempt', async () => {
    behaviour = async () => {
      throw new Error('could not mail iemand@example.org');
    };
    const job = newJob();
    await scheduler.scheduleOnce(nameOf(job), inMs(0), job);
    const linesBefore = logLines.length;

    await startRunner({ retryDelayMs: 200, maxAttempts: 3 });

    await until(() => firings(job).length === 3, 5_000, 'three attempts');
    await sleep(800);
    expect(firings(job)).toHaveLength(3);
    const lines = logLines.slice(linesBefore).filter((line) => line.includes(nameOf(job)));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/failed \(attempt 1 of 3\): Error: could not mail \[address\]; retrying in 1 s/);
    expect(lines[2]).toMatch(/given up on/);
    expect(lines.join('\n')).not.toContain('iemand@example.org');
    // Given up on: out of the due index, kept for `fire`.
    const kept = await scheduler.find(nameOf(job));
    expect(kept?.failedAt).toBeDefined();
    expect((await scheduler.dueSchedules(new Date())).map((schedule) => schedule.name)).not.toContain(
      nameOf(job),
    );
  });
});

describe('firing a schedule by hand (npm run local -- fire)', () => {
  it('runs it now, though it is not due, and deletes it', async () => {
    const job = newJob();
    await scheduler.scheduleOnce(nameOf(job), inMs(3_600_000), job);

    const outcome = await fireSchedule(scheduler, loadHandler, nameOf(job));

    expect(outcome).toEqual({ outcome: 'fired', afterwards: 'deleted' });
    expect(firings(job)).toHaveLength(1);
    expect(await scheduler.find(nameOf(job))).toBeUndefined();
  });

  it('runs a schedule the runner gave up on', async () => {
    const job = newJob();
    await scheduler.scheduleOnce(nameOf(job), inMs(0), job);
    const stored = await scheduler.find(nameOf(job));
    await scheduler.markFailed(stored as NonNullable<typeof stored>, new Date());

    expect(await fireSchedule(scheduler, loadHandler, nameOf(job))).toEqual({
      outcome: 'fired',
      afterwards: 'deleted',
    });
    expect(firings(job)).toHaveLength(1);
  });

  it('says so for a name it does not know, and keeps a schedule whose run failed', async () => {
    expect(await fireSchedule(scheduler, loadHandler, 'reminder-unknown')).toEqual({ outcome: 'unknown' });

    const job = newJob();
    await scheduler.scheduleOnce(nameOf(job), inMs(3_600_000), job);
    behaviour = async () => {
      throw new Error('boom');
    };
    await expect(fireSchedule(scheduler, loadHandler, nameOf(job))).rejects.toThrow('boom');
    expect(await scheduler.find(nameOf(job))).toBeDefined();
    await scheduler.cancel(nameOf(job));
  });
});
