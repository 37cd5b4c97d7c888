import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { amsterdamTimeZone } from '../functions/core/amsterdam-time';
import type { LambdaEntry } from '../functions/entries';
import type { AppResources, LogLevel } from './app-function';
import { RecurringJob } from './recurring-job';

export interface RetentionJobProps {
  /** The entry with `trigger: 'retention'` (functions/entries.ts). */
  readonly entry: LambdaEntry;
  /** The resources the entry's `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * When the job runs, in Europe/Amsterdam.
   * @default 03:30 every night (quiet, and clear of the hour that repeats when summer time ends)
   */
  readonly at?: { readonly hour: number; readonly minute: number };
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
 * The nightly retention job (functions/core/retention.ts): the entry's function, invoked by a recurring
 * EventBridge Scheduler schedule every night in Europe/Amsterdam, removes what a TTL cannot — the personal
 * data of registrations of meetings long past, the content of mail failed long ago. A run carries no input
 * (its work is whatever the table says is due) and is idempotent, so it may run twice, and a failed one is
 * retried and at worst followed by the next night's.
 *
 * No dead-letter queue, as for the sweeper: a given-up run holds nothing to replay. The function's error alarm
 * (lib/app-function.ts) says when a night's run failed for good.
 *
 * The schedule lives in the account's default group, out of reach of the functions that manage the one-time
 * schedules of the other group.
 */
export class RetentionJob extends RecurringJob {
  constructor(scope: Construct, id: string, props: RetentionJobProps) {
    const at = props.at ?? { hour: 3, minute: 30 };
    super(scope, id, {
      ...props,
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(at.minute),
        hour: String(at.hour),
        timeZone: TimeZone.of(amsterdamTimeZone),
      }),
      // A run left undelivered this long is better left to the next night than run in the day.
      staleAfter: Duration.hours(3),
      schedulerRetryAttempts: 5,
      // Lambda retries a failed run twice (it is idempotent, and the next chance is a day away).
      functionRetryAttempts: 2,
      roleDescription: 'Drop In: EventBridge Scheduler invokes the nightly retention job',
    });
  }
}
