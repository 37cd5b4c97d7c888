import * as z from 'zod/mini';
import type { ScheduledJob } from '../core/ports';

/**
 * What both Scheduler adapters (EventBridge Scheduler, the table scheduler offline), the job's handler and the
 * CDK share about one-time schedules: which names are allowed, the event a job arrives as, and how long a
 * failing invocation is retried. Plain data and zod only, so lib/ and local/ may import it too.
 */

/** EventBridge Scheduler's rule for schedule names; the table scheduler applies it too, so offline fails alike. */
const scheduleNamePattern = /^[0-9a-zA-Z._-]{1,64}$/;

export class InvalidScheduleName extends Error {
  override readonly name = 'InvalidScheduleName';
  constructor(name: string) {
    super(`Not a schedule name (1-64 of 0-9 a-z A-Z . _ -): ${JSON.stringify(name.slice(0, 80))}`);
  }
}

export const assertScheduleName = (name: string): void => {
  if (!scheduleNamePattern.test(name)) throw new InvalidScheduleName(name);
};

/**
 * The event the job's function receives: EventBridge Scheduler passes a schedule's `Input` to a Lambda target
 * as the event itself, and the local scheduler does the same.
 */
export const scheduledJobEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('meeting-reminder'),
    meetingId: z.string().check(z.minLength(1), z.maxLength(100)),
  }),
  z.object({
    kind: z.literal('mailing-send'),
    mailingId: z.string().check(z.minLength(1), z.maxLength(100)),
    scheduledAt: z.iso.datetime(),
  }),
  z.object({
    kind: z.literal('report-publish'),
    reportId: z.string().check(z.minLength(1), z.maxLength(100)),
    scheduledAt: z.iso.datetime(),
  }),
]) satisfies z.ZodMiniType<ScheduledJob>;

/** A schedule's `Input`: the job as JSON, exactly what the target receives. */
export const scheduleInput = (job: ScheduledJob): string => JSON.stringify(job);

/**
 * How long a job that cannot be delivered is retried. EventBridge Scheduler retries a failed invocation (the
 * function throttled, or not invocable) up to `maximumRetryAttempts` times within `maximumEventAgeSeconds`,
 * then hands it to the dead-letter queue. It invokes Lambda asynchronously, so an error the function itself
 * throws is retried by Lambda (`functionRetryAttempts`, within the same age) before it goes to the same
 * queue. One hour: a reminder is sent at least an hour before the meeting, and later than that it is no use.
 */
export const scheduledJobRetryPolicy = {
  maximumRetryAttempts: 20,
  maximumEventAgeSeconds: 3600,
  functionRetryAttempts: 2,
} as const;
