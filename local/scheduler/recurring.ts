import type { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { recurringSchedules } from '../../functions/adapters/recurring-schedules';
import { nextCronTime } from './cron';

/**
 * The recurring schedules the CDK creates next to their functions (functions/adapters/recurring-schedules.ts),
 * kept in the table offline: written at start if missing or changed, kept otherwise, so their next time
 * survives a restart and a time that passed while nothing ran fires once at the next start.
 */
export const ensureRecurringSchedules = async (
  scheduler: Pick<TableScheduler, 'ensureRecurring'>,
  now: Date,
): Promise<Record<string, 'kept' | 'written'>> => {
  const outcomes: Record<string, 'kept' | 'written'> = {};
  for (const schedule of recurringSchedules) {
    outcomes[schedule.name] = await scheduler.ensureRecurring(
      schedule.name,
      schedule.expression,
      JSON.stringify(schedule.input),
      nextCronTime(schedule.expression, now),
    );
  }
  return outcomes;
};
