import { TableScheduler } from '../adapters/dynamo/table-scheduler';
import { schedulerSettings } from '../config';
import type { Scheduler } from '../core/ports';
import { once, onceResolved } from './once';
import { config } from './process';
import { dynamo, tableName } from './table';

/**
 * One-time schedules (`needs.scheduler`), e.g. a meeting's reminders: EventBridge Scheduler in AWS, whose
 * client is loaded on the first schedule a function makes; offline (SCHEDULER_MODE=table) the table, which
 * local/scheduler fires from (docs/architecture.md, "Schedules").
 */
export const scheduler = once((): Scheduler => {
  const settings = schedulerSettings(config);
  if (settings.mode === 'table') return new TableScheduler(dynamo(), tableName);
  const { mode: _, ...aws } = settings;
  const eventBridge = onceResolved(async () => {
    const { EventBridgeScheduler, schedulerClient } = await import('../adapters/eventbridge-scheduler');
    return new EventBridgeScheduler(schedulerClient(config.AWS_REGION), aws);
  });
  return {
    scheduleOnce: async (name, at, job) => (await eventBridge()).scheduleOnce(name, at, job),
    cancel: async (name) => (await eventBridge()).cancel(name),
  };
});
