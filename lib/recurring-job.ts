import { type Duration, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { amsterdamTimeZone } from '../functions/core/amsterdam-time';
import type { LambdaEntry } from '../functions/entries';
import { AppFunction, type AppResources, type LogLevel } from './app-function';
import { schedulerRole } from './scheduler-role';

export interface RecurringJobProps {
  readonly entry: LambdaEntry;
  /** The resources the entry's `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** When it runs: a rate or a cron expression, in Europe/Amsterdam like every schedule of the system. */
  readonly schedule: scheduler.ScheduleExpression;
  /** An invocation not delivered (by the scheduler) or not run (by Lambda) within this is dropped. */
  readonly staleAfter: Duration;
  /** How often EventBridge Scheduler retries an invocation it could not make. */
  readonly schedulerRetryAttempts: number;
  /** How often Lambda retries a run that failed (asynchronous invocation). */
  readonly functionRetryAttempts: number;
  /** What the scheduler's role is for, for the IAM console. */
  readonly roleDescription: string;
  /** The event of every run. Default none: the work is whatever the table says is due. */
  readonly input?: scheduler.ScheduleTargetInput;
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
 * Every `interval`, said in Europe/Amsterdam like every schedule of the system: `rate()` takes no time zone of
 * its own, and a rate runs alike in any zone.
 */
export const everyInAmsterdam = (interval: Duration): scheduler.ScheduleExpression =>
  scheduler.ScheduleExpression.expression(
    scheduler.ScheduleExpression.rate(interval).expressionString,
    TimeZone.of(amsterdamTimeZone),
  );

/** The props of a job that runs every `interval`, each run taking up whatever the table says is due. */
export interface IntervalJobProps {
  /** The entry the job runs (functions/entries.ts). */
  readonly entry: LambdaEntry;
  /** The resources the entry's `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How often a run starts.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * How often EventBridge Scheduler retries an invocation it could not make (the function throttled or not
   * invocable), within one interval; after that the next run does the same work.
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
 * A job that runs on a recurring EventBridge Scheduler schedule: the entry's function, and a role that may
 * invoke exactly that function. A run carries no input (its work is whatever the table says is due), so a
 * given-up run holds nothing to replay: no dead-letter queue; the function's error alarm says when runs fail.
 *
 * The schedule lives in the account's default group, not in the group of the one-time schedules: the
 * functions that schedule may change or delete every schedule of that group, and must not touch this one.
 */
export class RecurringJob extends Construct {
  readonly appFunction: AppFunction;
  readonly schedule: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to invoke the job: that function and nothing else. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RecurringJobProps) {
    super(scope, id);
    this.appFunction = new AppFunction(this, 'Fn', {
      entry: props.entry,
      resources: props.resources,
      environment: props.environment,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
    });
    const fn = this.appFunction.function;
    fn.configureAsyncInvoke({ retryAttempts: props.functionRetryAttempts, maxEventAge: props.staleAfter });

    this.role = schedulerRole(this, 'InvokeRole', {
      scheduleGroupName: 'default',
      description: props.roleDescription,
    });
    // Exactly this function. Not the scheduler-targets LambdaInvoke: it grants through `grantInvoke`, which
    // adds every version and alias (`<arn>:*`).
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
    this.#target = (input) => ({
      bind: () => ({
        arn: fn.functionArn,
        role: this.role,
        ...(input !== undefined && { input }),
        retryPolicy: {
          maximumEventAgeInSeconds: props.staleAfter.toSeconds(),
          maximumRetryAttempts: props.schedulerRetryAttempts,
        },
      }),
    });
    this.#description = `Drop In: ${props.entry.description}`;
    this.schedule = this.addSchedule('Schedule', props.schedule, props.input);
  }

  readonly #target: (input: scheduler.ScheduleTargetInput | undefined) => scheduler.IScheduleTarget;
  readonly #description: string;

  /** Another schedule of the same function, through the same role: another time, another input. */
  addSchedule(
    id: string,
    expression: scheduler.ScheduleExpression,
    input?: scheduler.ScheduleTargetInput,
  ): scheduler.Schedule {
    const schedule = new scheduler.Schedule(this, id, {
      description: this.#description,
      schedule: expression,
      target: this.#target(input),
    });
    // The role's policy first, so the first run does not fail on a role that may not invoke yet.
    schedule.node.addDependency(this.role);
    return schedule;
  }
}
