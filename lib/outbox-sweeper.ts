import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { amsterdamTimeZone } from '../functions/core/amsterdam-time';
import type { LambdaEntry } from '../functions/entries';
import type { AppResources, LogLevel } from './app-function';
import { RecurringJob } from './recurring-job';

export interface OutboxSweeperProps {
  /** The entry with `trigger: 'outbox-sweep'` (functions/entries.ts). */
  readonly entry: LambdaEntry;
  /** The resources the entry's `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How often a sweep runs.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * How often EventBridge Scheduler retries an invocation it could not make (the function throttled or not
   * invocable), within one interval; after that the next sweep does the same work.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long function logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Log level (functions/adapters/logger.ts).
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
}

/**
 * The safety net of outbox delivery: the entry's function, invoked by a recurring EventBridge Scheduler
 * schedule (every minute, in Europe/Amsterdam like every schedule of the system), delivers every outbox entry
 * that is due: missed by the stream, postponed after a failure, or in doubt. A sweep carries no input (its
 * work is whatever the table says is due) and claims each entry with a lease, so a sweep may run twice or
 * overlap another; a failed one is simply followed by the next.
 *
 * No dead-letter queue, neither for the scheduler nor for Lambda's asynchronous invocation: a given-up sweep
 * holds nothing to replay, and a minute of them during an outage would only be noise. What watches the
 * sweeper instead is the oldest-pending-mail alarm (lib/mail-delivery-alarms.ts), which also fires when
 * sweeps stop arriving, and the function's error alarm.
 *
 * The schedule lives in the account's default group, not in the group of the one-time schedules: the
 * functions that schedule may change or delete every schedule of that group, and must not touch this one.
 */
export class OutboxSweeper extends RecurringJob {
  constructor(scope: Construct, id: string, props: OutboxSweeperProps) {
    const interval = props.interval ?? Duration.minutes(1);
    super(scope, id, {
      ...props,
      // `rate()` takes no time zone of its own; a rate runs alike in any zone, but the schedule says Dutch time.
      schedule: scheduler.ScheduleExpression.expression(
        scheduler.ScheduleExpression.rate(interval).expressionString,
        TimeZone.of(amsterdamTimeZone),
      ),
      // Scheduler and Lambda both keep an undelivered invocation at least 60 s; beyond one interval it is stale.
      staleAfter: Duration.seconds(Math.max(60, interval.toSeconds())),
      schedulerRetryAttempts: props.retryAttempts ?? 2,
      // No Lambda retries: the next sweep comes within the interval, and an invocation still queued after one
      // interval is dropped rather than run behind its successor.
      functionRetryAttempts: 0,
      roleDescription: 'Drop In: EventBridge Scheduler invokes the outbox sweeper',
    });
  }
}
