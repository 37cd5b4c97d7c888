import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { scheduledJobRetryPolicy } from '../functions/adapters/scheduled-jobs';
import type { EntryName, LambdaEntry } from '../functions/entries';
import { AppFunction, type AppResources, type LogLevel, type SchedulingResources } from './app-function';
import { DeadLetterQueue } from './dead-letter-queue';
import { schedulerRole } from './scheduler-role';

export interface ScheduledJobsProps {
  /** The entry with `trigger: 'schedule'` (functions/entries.ts): the function every schedule invokes. */
  readonly entryName: EntryName;
  readonly entry: LambdaEntry;
  /** The schedule group (kept in the stateful stack: deleting a group deletes its schedules). */
  readonly scheduleGroupName: string;
  /** The resources the entry's `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts), without the scheduler's part. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How often EventBridge Scheduler retries an invocation it could not make, and for how long; Lambda retries
   * errors of the function itself `functionRetryAttempts` times within the same age.
   * @default scheduledJobRetryPolicy (functions/adapters/scheduled-jobs.ts)
   */
  readonly retryPolicy?: typeof scheduledJobRetryPolicy;
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

/** Lambda, IAM and SQS all take names of at most 64 characters here. */
const fixedName = (name: string): string => {
  if (name.length > 64)
    throw new Error(`The name ${name} is longer than 64 characters; use a shorter stage name`);
  return name;
};

/**
 * What one-time schedules created at run time need (docs/architecture.md, "Schedules"): the function they invoke, the role
 * EventBridge Scheduler assumes to invoke it (trusted only by the scheduler, for this account's group; allowed
 * to invoke exactly that function and to write to the dead-letter queue), and the dead-letter queue with its
 * alarm. The function is invoked asynchronously: the scheduler retries what it could not deliver, Lambda
 * retries errors of the function, and both give up into the same queue.
 *
 * The function, the role and the queue have fixed names: every schedule stores their ARNs when it is created
 * (SCHEDULER_TARGET_ARN, SCHEDULER_ROLE_ARN, SCHEDULER_DLQ_ARN), so they must outlive a refactoring or a
 * redeploy of this stack, or pending reminders would fire into nothing. The fixed function name is also how
 * the function reads its own ARN from its environment without a circular reference.
 */
export class ScheduledJobs extends Construct {
  readonly appFunction: AppFunction;
  /** The role EventBridge Scheduler assumes for every schedule of the group. */
  readonly role: iam.Role;
  /** Invocations given up on: by the scheduler (could not invoke) and by Lambda (the function kept failing). */
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Invocations the scheduler gave up on and could not even put into the dead-letter queue. */
  readonly lostInvocationsAlarm: cloudwatch.Alarm;
  /** The scheduler's part of the config environment (functions/config.ts), for every function. */
  readonly environment: Readonly<Record<string, string>>;
  /** For the entries that schedule (`needs.scheduler`). */
  readonly scheduling: SchedulingResources;

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const retry = props.retryPolicy ?? scheduledJobRetryPolicy;
    const deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      queueName: fixedName(`${stack.stackName}-scheduled-job-failures`),
      deadLetterOf: 'the scheduled jobs (EventBridge Scheduler and Lambda asynchronous invocation)',
      alarmDescription:
        `Scheduled jobs were given up on (${props.entryName}): each message holds the schedule's input ` +
        '(the job); run it again by hand once the cause is fixed',
    });
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;

    this.role = schedulerRole(this, 'SchedulerRole', {
      scheduleGroupName: props.scheduleGroupName,
      roleName: fixedName(`${stack.stackName}-scheduler`),
      description: `Drop In: EventBridge Scheduler invokes ${props.entryName} for the schedules of its group`,
    });

    const functionName = fixedName(`${stack.stackName}-${props.entryName}`);
    const targetArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.environment = {
      SCHEDULER_MODE: 'aws',
      SCHEDULER_GROUP: props.scheduleGroupName,
      SCHEDULER_ROLE_ARN: this.role.roleArn,
      SCHEDULER_TARGET_ARN: targetArn,
      SCHEDULER_DLQ_ARN: this.deadLetterQueue.queueArn,
    };
    this.scheduling = { scheduleGroupName: props.scheduleGroupName, roleArn: this.role.roleArn };

    this.appFunction = new AppFunction(this, 'Fn', {
      entry: props.entry,
      resources: props.resources,
      environment: { ...props.environment, ...this.environment },
      functionName,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
    });
    const fn = this.appFunction.function;
    fn.configureAsyncInvoke({
      retryAttempts: retry.functionRetryAttempts,
      maxEventAge: Duration.seconds(retry.maximumEventAgeSeconds),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // Exactly this function (not `grantInvoke`, which adds every version and alias), and the queue.
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );

    this.lostInvocationsAlarm = new cloudwatch.Alarm(this, 'LostInvocationsAlarm', {
      alarmDescription:
        'EventBridge Scheduler gave up on an invocation and could not write it to the dead-letter queue: ' +
        'a scheduled job was lost (check the scheduler role)',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Scheduler',
        metricName: 'InvocationsFailedToBeSentToDeadLetterCount',
        dimensionsMap: { ScheduleGroup: props.scheduleGroupName },
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
