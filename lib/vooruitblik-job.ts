import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { type RecurringSchedule, recurringSchedules } from '../functions/adapters/recurring-schedules';
import { amsterdamTimeZone } from '../functions/core/amsterdam-time';
import type { LambdaEntry } from '../functions/entries';
import type { AppResources, LogLevel } from './app-function';
import { RecurringJob } from './recurring-job';

export interface VooruitblikJobProps {
  /** The entry with `trigger: 'vooruitblik'` (functions/entries.ts). */
  readonly entry: LambdaEntry;
  readonly resources: AppResources;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention?: logs.RetentionDays;
  readonly logLevel?: LogLevel;
}

/** A recurring schedule's cron expression, in Europe/Amsterdam. */
const inAmsterdam = (schedule: RecurringSchedule): scheduler.ScheduleExpression =>
  scheduler.ScheduleExpression.expression(schedule.expression, TimeZone.of(amsterdamTimeZone));

/** Its input, with the time the firing was scheduled for put in by EventBridge Scheduler. */
const inputOf = (schedule: RecurringSchedule): scheduler.ScheduleTargetInput =>
  scheduler.ScheduleTargetInput.fromObject({
    ...schedule.input,
    scheduledAt: scheduler.ContextAttribute.scheduledTime,
  });

/**
 * The Vooruitblik (docs/architecture.md, "The Vooruitblik"): its function and its two recurring schedules,
 * next to each other — every working day at 09.00 it looks whether to draft, on the first Monday of the month
 * at 09.00 it sends (functions/adapters/recurring-schedules.ts). Each firing names its scheduled time, and
 * the function does each digest once however often it fires, so retries are safe: a firing not run within
 * six hours is dropped (a digest sent in the afternoon is worse than none; the next month's comes).
 */
export class VooruitblikJob extends RecurringJob {
  readonly draftSchedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: VooruitblikJobProps) {
    const [draft, send] = recurringSchedules as [RecurringSchedule, RecurringSchedule];
    super(scope, id, {
      ...props,
      schedule: inAmsterdam(send),
      input: inputOf(send),
      staleAfter: Duration.hours(6),
      schedulerRetryAttempts: 10,
      functionRetryAttempts: 2,
      roleDescription: 'Drop In: EventBridge Scheduler invokes the Vooruitblik (draft and send)',
    });
    this.draftSchedule = this.addSchedule('DraftSchedule', inAmsterdam(draft), inputOf(draft));
  }
}
