import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { recurringSchedules, scheduledTimePlaceholder } from '../../functions/adapters/recurring-schedules';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import type { HandlerLoader } from '../../local/runtime';
import { nextCronTime } from '../../local/scheduler/cron';
import { ensureRecurringSchedules } from '../../local/scheduler/recurring';
import { startScheduleRunner } from '../../local/scheduler/runner';
import { ensureTable } from '../../local/table';

/**
 * The local scheduler's recurring schedules (the Vooruitblik's): kept in the table across restarts, fired
 * with the time they were scheduled for in their input, and moved to their next time instead of deleted.
 */

const endpoint = inject('dynamoDbEndpoint');
const tableName = `dropin-test-${randomUUID().slice(0, 8)}`;
const client = new DynamoDBClient({ ...localAwsSettings, endpoint });
const scheduler = new TableScheduler(DynamoDBDocumentClient.from(client), tableName);
const received: unknown[] = [];
const loadHandler = (async (entry: string) => {
  expect(entry).toBe('vooruitblik');
  return async (event: unknown) => {
    received.push(event);
    return { outcome: 'not-today' };
  };
}) as unknown as HandlerLoader;

beforeAll(async () => {
  await ensureTable(client, tableName);
});
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  client.destroy();
});

const until = async (condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('recurring schedules offline', () => {
  it('are written once at their next time and kept as they are across restarts', async () => {
    const now = new Date('2026-12-03T10:00:00.000Z');
    expect(await ensureRecurringSchedules(scheduler, now)).toEqual({
      'vooruitblik-draft': 'written',
      'vooruitblik-send': 'written',
    });
    const send = await scheduler.find('vooruitblik-send');
    expect(send).toMatchObject({ dueAt: '2026-12-07T08:00:00.000Z', expression: 'cron(0 9 ? * MON#1 *)' });
    expect((await scheduler.find('vooruitblik-draft'))?.dueAt).toBe('2026-12-04T08:00:00.000Z');

    // A restart a day later keeps them: their next time was not moved past.
    expect(await ensureRecurringSchedules(scheduler, new Date('2026-12-08T10:00:00.000Z'))).toEqual({
      'vooruitblik-draft': 'kept',
      'vooruitblik-send': 'kept',
    });
    expect(await scheduler.find('vooruitblik-send')).toEqual(send);
  });

  it('fire with their scheduled time in the event, then move to their next time, not deleted', async () => {
    const [draft] = recurringSchedules;
    if (!draft) throw new Error('no recurring schedule');
    // Due a moment ago, in whole seconds as EventBridge Scheduler names times.
    const dueAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
    await scheduler.ensureRecurring('recurring-test', draft.expression, JSON.stringify(draft.input), dueAt);
    expect(JSON.stringify(draft.input)).toContain(scheduledTimePlaceholder);

    const runner = await startScheduleRunner({
      endpoint,
      tableName,
      loadHandler,
      pollIntervalMs: 100,
      log: () => undefined,
    });
    try {
      await until(() => received.length > 0, 10_000, 'the recurring schedule to fire');
      await until(
        async () => (await scheduler.find('recurring-test'))?.dueAt !== dueAt.toISOString(),
        5_000,
        'the schedule to move on',
      );
    } finally {
      await runner.stop();
    }
    expect(received[0]).toEqual({
      kind: 'vooruitblik',
      step: 'draft',
      scheduledAt: dueAt.toISOString().replace('.000Z', 'Z'),
    });
    const moved = await scheduler.find('recurring-test');
    expect(moved?.dueAt).toBe(nextCronTime(draft.expression, new Date()).toISOString());
    expect(Date.parse(moved?.dueAt ?? '')).toBeGreaterThan(Date.now());
    // Fired once: its next time lies ahead.
    expect(received).toHaveLength(1);
  });
});
