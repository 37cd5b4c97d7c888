import {
  ActionAfterCompletion,
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  FlexibleTimeWindowMode,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { amsterdamLocalParts, amsterdamTimeZone, isRepeatedAmsterdamWallTime } from '../core/amsterdam-time';
import type { ScheduledJob, Scheduler } from '../core/ports';
import { assertScheduleName, scheduledJobRetryPolicy, scheduleInput } from './scheduled-jobs';

/**
 * A Scheduler client. Built here, next to the commands it sends, so a composition that loads this module on
 * first use (functions/composition/scheduling.ts) bundles only those commands of the SDK.
 */
export const schedulerClient = (region: string): SchedulerClient => new SchedulerClient({ region });

export interface EventBridgeSchedulerSettings {
  /** The schedule group every schedule is created in. */
  readonly groupName: string;
  /** The role EventBridge Scheduler assumes to invoke the target and to write to the dead-letter queue. */
  readonly roleArn: string;
  /** The function every job goes to. */
  readonly targetArn: string;
  /** The SQS queue an invocation goes to when its retries are spent. */
  readonly deadLetterArn: string;
  /**
   * Retries of an invocation that failed.
   * @default scheduledJobRetryPolicy
   */
  readonly retryPolicy?: { readonly maximumRetryAttempts: number; readonly maximumEventAgeSeconds: number };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `yyyy-mm-ddThh:mm:ss` of an instant on the clocks of Amsterdam. */
const amsterdamWallTime = (instant: Date): string => {
  const p = amsterdamLocalParts(instant);
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
};

/** `yyyy-mm-ddThh:mm:ss` of an instant in UTC. */
const utcWallTime = (instant: Date): string => instant.toISOString().slice(0, 19);

export interface AtExpression {
  /** `at(yyyy-mm-ddThh:mm:ss)`. */
  readonly expression: string;
  readonly timeZone: string;
}

/**
 * The one-time schedule expression for an instant: the Amsterdam wall-clock time with the Amsterdam time
 * zone, rounded up to the whole second (a schedule never fires early). One exception: in the hour that the
 * clocks go back (e.g. 2027-10-31 02:00–03:00) every wall-clock time happens twice and names no single
 * instant, so there the expression is in UTC, which has no such hour.
 */
export const atExpression = (at: Date): AtExpression => {
  if (Number.isNaN(at.getTime())) throw new RangeError('The time of a schedule is not a valid date');
  const instant = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  return isRepeatedAmsterdamWallTime(instant)
    ? { expression: `at(${utcWallTime(instant)})`, timeZone: 'UTC' }
    : { expression: `at(${amsterdamWallTime(instant)})`, timeZone: amsterdamTimeZone };
};

/**
 * The Scheduler port over EventBridge Scheduler (docs/architecture.md, "Schedules"): one named one-time `at()` schedule per
 * job, in the configured group, invoking the job's function with the job as its event, deleted by the service
 * once it has run. Creating a schedule that exists moves it (UpdateSchedule replaces the whole definition);
 * deleting one that is gone is fine.
 */
export class EventBridgeScheduler implements Scheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly settings: EventBridgeSchedulerSettings,
  ) {}

  /** The full definition, for CreateSchedule and UpdateSchedule alike (Update leaves out nothing it keeps). */
  scheduleDefinition(name: string, at: Date, job: ScheduledJob): CreateScheduleCommandInput {
    assertScheduleName(name);
    const { expression, timeZone } = atExpression(at);
    const retry = this.settings.retryPolicy ?? scheduledJobRetryPolicy;
    return {
      Name: name,
      GroupName: this.settings.groupName,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: timeZone,
      FlexibleTimeWindow: { Mode: FlexibleTimeWindowMode.OFF },
      ActionAfterCompletion: ActionAfterCompletion.DELETE,
      Target: {
        Arn: this.settings.targetArn,
        RoleArn: this.settings.roleArn,
        Input: scheduleInput(job),
        RetryPolicy: {
          MaximumRetryAttempts: retry.maximumRetryAttempts,
          MaximumEventAgeInSeconds: retry.maximumEventAgeSeconds,
        },
        DeadLetterConfig: { Arn: this.settings.deadLetterArn },
      },
    };
  }

  async scheduleOnce(name: string, at: Date, job: ScheduledJob): Promise<void> {
    const definition = this.scheduleDefinition(name, at, job);
    // Create, or move the existing one; if it ran (and was deleted) between the two calls, create it again.
    for (let round = 1; ; round++) {
      try {
        await this.client.send(new CreateScheduleCommand(definition));
        return;
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
      }
      try {
        await this.client.send(new UpdateScheduleCommand(definition));
        return;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException) || round >= 3) throw error;
      }
    }
  }

  async cancel(name: string): Promise<void> {
    assertScheduleName(name);
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.settings.groupName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
