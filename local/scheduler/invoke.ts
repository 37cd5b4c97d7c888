import type { Handler } from 'aws-lambda';
import type { StoredSchedule, TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { scheduledTimePlaceholder, vooruitblikEvent } from '../../functions/adapters/recurring-schedules';
import { redactAddresses } from '../../functions/adapters/redaction';
import { scheduledJobEvent } from '../../functions/adapters/scheduled-jobs';
import type { ScheduledJob } from '../../functions/core/ports';
import {
  type EntryName,
  type LambdaEntry,
  lambdaEntries,
  soleEntryWithTrigger,
} from '../../functions/entries';
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
    event = eventOf(schedule);
  } catch {
    throw new UnknownScheduledJob(`Schedule ${schedule.name} has an input that is not JSON`);
  }
  const job = scheduledJobEvent.safeParse(event);
  if (job.success) return scheduleTargets[job.data.kind];
  if (vooruitblikEvent.safeParse(event).success) return vooruitblikEntry;
  throw new UnknownScheduledJob(`Schedule ${schedule.name} has no known job in its input`);
};

/** The entry the Vooruitblik's recurring schedules invoke, as in lib/. */
export const vooruitblikEntry = soleEntryWithTrigger('vooruitblik');

/**
 * The event a schedule's function receives: its input, with the time it was scheduled for where EventBridge
 * Scheduler puts it (`<aws.scheduler.scheduled-time>`, e.g. `2027-01-04T08:00:00Z`).
 */
const eventOf = (schedule: StoredSchedule): unknown =>
  JSON.parse(schedule.input.replaceAll(scheduledTimePlaceholder, schedule.dueAt.replace(/\.\d{3}Z$/, 'Z')));

/** Runs the schedule's function once, within the entry's timeout; returns what it returned, throws what it threw. */
export const invokeSchedule = (
  loadHandler: HandlerLoader,
  schedule: StoredSchedule,
  region = localRegion,
): Promise<unknown> => invokeEntry(loadHandler, targetOf(schedule), eventOf(schedule), region);

/** Runs an entry's function once with `event`, within the entry's timeout, as an asynchronous invocation. */
export const invokeEntry = async (
  loadHandler: HandlerLoader,
  entry: EntryName,
  event: unknown,
  region = localRegion,
): Promise<unknown> => {
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
      handler(event, createLambdaContext(entry, region), () => undefined),
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
  | { readonly outcome: 'fired'; readonly afterwards: 'deleted' | 'kept-moved' | 'kept-recurring' }
  /** `fire vooruitblik`: the job itself, for now (drafts the next digest, or sends it once approved). */
  | { readonly outcome: 'ran'; readonly result: unknown };

/** The name `fire` takes for the Vooruitblik: not a schedule, the job now. */
export const vooruitblikJobName = 'vooruitblik';

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
  if (name === vooruitblikJobName) {
    const event = { kind: 'vooruitblik', step: 'now', scheduledAt: new Date().toISOString() };
    return { outcome: 'ran', result: await invokeEntry(loadHandler, vooruitblikEntry, event) };
  }
  const schedule = await scheduler.find(name);
  if (!schedule) return { outcome: 'unknown' };
  // A recurring schedule fired by hand runs for its next time and stays for it (its job is safe to repeat).
  if (schedule.expression !== undefined) {
    await invokeSchedule(loadHandler, schedule);
    return { outcome: 'fired', afterwards: 'kept-recurring' };
  }
  const dueAt = earlyUntil(await invokeSchedule(loadHandler, schedule));
  if (dueAt) return { outcome: 'early', dueAt };
  const completed = await scheduler.complete(schedule);
  return { outcome: 'fired', afterwards: completed === 'done' ? 'deleted' : 'kept-moved' };
};
