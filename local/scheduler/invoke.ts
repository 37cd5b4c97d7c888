import type { Handler } from 'aws-lambda';
import type { StoredSchedule, TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { redactAddresses } from '../../functions/adapters/redaction';
import { scheduledJobEvent } from '../../functions/adapters/scheduled-jobs';
import type { ScheduledJob } from '../../functions/core/ports';
import { type EntryName, type LambdaEntry, lambdaEntries } from '../../functions/entries';
import { createLambdaContext, entryTimeoutMs } from '../http/lambda-context';
import { type HandlerLoader, localRegion } from '../runtime';

/**
 * Invoking the function of a schedule offline, as EventBridge Scheduler invokes it in AWS: the schedule's
 * input, parsed afresh, is the event; the result is ignored (an asynchronous invocation); a throw or a
 * timeout is a failure. In AWS every schedule names its target ARN (SCHEDULER_TARGET_ARN); offline the job's
 * kind names the entry, and it must be one the CDK wires to the scheduler (`trigger: 'schedule'`).
 */
export const scheduleTargets: Readonly<Record<ScheduledJob['kind'], EntryName>> = {
  'meeting-reminder': 'meetingReminders',
  'mailing-send': 'meetingReminders',
  'report-publish': 'meetingReminders',
};

for (const [kind, entry] of Object.entries(scheduleTargets)) {
  const settings: LambdaEntry = lambdaEntries[entry];
  if (settings.trigger !== 'schedule') {
    throw new Error(`Schedules of kind ${kind} go to ${entry}, which has no trigger 'schedule'`);
  }
}

/** The schedule's input names no job this system knows: no retry can help. */
export class UnknownScheduledJob extends Error {
  override readonly name = 'UnknownScheduledJob';
}

const targetOf = (schedule: StoredSchedule): EntryName => {
  let event: unknown;
  try {
    event = JSON.parse(schedule.input);
  } catch {
    throw new UnknownScheduledJob(`Schedule ${schedule.name} has an input that is not JSON`);
  }
  const job = scheduledJobEvent.safeParse(event);
  if (!job.success) throw new UnknownScheduledJob(`Schedule ${schedule.name} has no known job in its input`);
  return scheduleTargets[job.data.kind];
};

/** Runs the schedule's function once, within the entry's timeout; returns what it returned, throws what it threw. */
export const invokeSchedule = async (
  loadHandler: HandlerLoader,
  schedule: StoredSchedule,
  region = localRegion,
): Promise<unknown> => {
  const entry = targetOf(schedule);
  const handler = await loadHandler<Handler<unknown, unknown>>(entry);
  const timeoutMs = entryTimeoutMs(entry);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      handler(JSON.parse(schedule.input), createLambdaContext(entry, region), () => undefined),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/** One line about a failure for the log: the error's name and message, without addresses. */
export const describeFailure = (error: unknown): string =>
  redactAddresses(error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);

export type FireOutcome =
  | { readonly outcome: 'unknown' }
  | { readonly outcome: 'early'; readonly dueAt: string }
  | { readonly outcome: 'fired'; readonly afterwards: 'deleted' | 'kept-moved' };

/** A job that refused to run before its time says until when (`earlyUntil`, an ISO instant). */
const earlyUntil = (result: unknown): string | undefined => {
  const value = (result as { earlyUntil?: unknown } | null | undefined)?.earlyUntil;
  return typeof value === 'string' ? value : undefined;
};

/**
 * `npm run local -- fire <name>`: runs a schedule now, whether due or not (or given up on), and deletes it as
 * a completed one-time schedule, unless it was moved while it ran. A job that refuses to run before its time
 * (a meeting's reminders) leaves the schedule as it was: fired by hand too early, it still fires at its time.
 * A failure throws and keeps the schedule.
 */
export const fireSchedule = async (
  scheduler: TableScheduler,
  loadHandler: HandlerLoader,
  name: string,
): Promise<FireOutcome> => {
  const schedule = await scheduler.find(name);
  if (!schedule) return { outcome: 'unknown' };
  const dueAt = earlyUntil(await invokeSchedule(loadHandler, schedule));
  if (dueAt) return { outcome: 'early', dueAt };
  const completed = await scheduler.complete(schedule);
  return { outcome: 'fired', afterwards: completed === 'done' ? 'deleted' : 'kept-moved' };
};
