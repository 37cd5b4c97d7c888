import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { sesEventRulePattern } from '../functions/adapters/ses/events';
import type { LambdaEntry } from '../functions/entries';
import { AppFunction, type AppResources, type LogLevel } from './app-function';
import { DeadLetterQueue } from './dead-letter-queue';

export interface SesEventsProps {
  /** The entry with `trigger: 'ses-events'` (functions/entries.ts). */
  readonly entry: LambdaEntry;
  /** The resources the entry's `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** The configuration set whose events the function receives; SES tags each event with it. */
  readonly configurationSetName: string;
  /**
   * How long an event is retried, by EventBridge (the function could not be invoked) and by Lambda (the
   * function failed), before it goes to the dead-letter queue. A Send event or a bounce is still worth
   * applying hours later; beyond that someone should look.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /**
   * How often EventBridge retries an invocation it could not make, within `maxEventAge`.
   * @default 20
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
 * What SES reports about the mail it was given: an EventBridge rule on the default bus (the only bus SES
 * publishes to) with the events of this configuration set only, invoking the entry's function, which settles
 * deliveries in doubt from Send events and puts bounced and complaining addresses on the suppression list.
 *
 * EventBridge invokes the function asynchronously, so an event can be lost in two places, and both give up
 * into the same dead-letter queue, which raises an alarm: EventBridge (the function could not be invoked;
 * the message is the event) and Lambda (the function kept failing on it; the message holds the event as
 * `requestPayload`). Applying an event twice does no harm, so both retry.
 */
export class SesEvents extends Construct {
  readonly appFunction: AppFunction;
  readonly rule: events.Rule;
  /** SES events given up on, by EventBridge or by Lambda. */
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SesEventsProps) {
    super(scope, id);
    const maxEventAge = props.maxEventAge ?? Duration.hours(6);

    this.appFunction = new AppFunction(this, 'Fn', {
      entry: props.entry,
      resources: props.resources,
      environment: props.environment,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
    });
    const fn = this.appFunction.function;

    const deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      deadLetterOf: 'the SES events rule and the asynchronous invocations of its function',
      alarmDescription:
        'SES events (sends, bounces, complaints) were given up on: a bounced or complaining address may not ' +
        'be suppressed. Each message holds the event; apply it again once the cause is fixed',
    });
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;

    fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    const pattern = sesEventRulePattern(props.configurationSetName);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Drop In: SES events of the configuration set, to the SES events function',
      // No eventBus: the default bus, where SES publishes.
      eventPattern: { source: pattern.source, detailType: pattern['detail-type'], detail: pattern.detail },
      targets: [
        new targets.LambdaFunction(fn, {
          retryAttempts: props.retryAttempts ?? 20,
          maxEventAge,
          // The target also adds the queue policy that lets this rule, and only it, send to the queue.
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
