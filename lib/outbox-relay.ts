import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { malformedOutboxMailMessage } from '../functions/adapters/dynamo/outbox';
import type { EventFilterPattern } from '../functions/adapters/event-filter';
import type { LambdaEntry } from '../functions/entries';
import { AppFunction, type AppResources, type LogLevel } from './app-function';
import { DeadLetterQueue } from './dead-letter-queue';

export interface OutboxRelayProps {
  /** The entry with `trigger: 'outbox-stream'` (functions/entries.ts). */
  readonly entry: LambdaEntry;
  /** The resources the entry's `needs` are granted on. */
  readonly resources: AppResources;
  /** The config environment every function reads (functions/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** The ARN of the table's stream; the function may read this stream and no other. */
  readonly streamArn: string;
  /** The event source filter, plain data from functions/ (the local relay applies the same one). */
  readonly filter: EventFilterPattern;
  /**
   * Retries of a batch whose invocation failed (the function crashed or timed out) before it is described in
   * the dead-letter queue. Few: the handler records every delivery outcome on the outbox entry and never
   * fails a batch, and the sweeper delivers whatever the stream gives up on.
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this go to the dead-letter queue instead of the function; by then the sweeper has
   * long taken up their entries.
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;
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

/** What reading a DynamoDB stream takes; the event source mapping reads with the function's role. */
const streamReadActions = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

/**
 * The fast path of outbox delivery (docs/architecture.md, "Mail delivery"): the entry's function behind an event source
 * mapping on the table's stream, filtered to newly inserted outbox entries, from the oldest record still in
 * the stream, in batches of 10. The stream is only the fast path; the sweeper (lib/outbox-sweeper.ts)
 * delivers whatever it misses. The handler records every outcome on the entry itself and never fails a
 * batch, so only a crashed or timed-out invocation is retried, a few times, bisected; then the batch is
 * described in a dead-letter queue, which raises an alarm (nothing is lost: the entries stay due for the
 * sweeper, but the relay is broken). A skipped malformed outbox item alarms too.
 */
export class OutboxRelay extends Construct {
  readonly appFunction: AppFunction;
  readonly eventSourceMapping: lambda.EventSourceMapping;
  /** Holds the description (shard, sequence numbers) of every batch the stream gave up on. */
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly malformedMailAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OutboxRelayProps) {
    super(scope, id);

    this.appFunction = new AppFunction(this, 'Fn', {
      entry: props.entry,
      resources: props.resources,
      environment: props.environment,
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
    });
    const fn = this.appFunction.function;

    // Read on exactly this stream: no `Resource: *` (which CDK's stream grants use for ListStreams on some
    // table kinds), no other stream of the account.
    iam.Grant.addToPrincipal({ grantee: fn, actions: streamReadActions, resourceArns: [props.streamArn] });

    const deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      deadLetterOf: 'the outbox stream mapping',
      alarmDescription:
        'The outbox relay kept failing on a batch of the table stream (crash or timeout) and gave it up: the ' +
        'sweeper still delivers those entries, but find out from the relay log why it failed',
    });
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;

    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'TableStream', {
      target: fn,
      eventSourceArn: props.streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 10,
      // The handler answers with an empty failure list: the batch is done whatever the outcomes were.
      reportBatchItemFailures: true,
      // A crash on one record (e.g. a poison item) is narrowed down by halving the batch before each retry.
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 3,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(1),
      onFailure: new SqsDlq(this.deadLetterQueue),
      filters: [{ pattern: JSON.stringify(props.filter) }],
    });
    // Lambda checks the role's stream permissions when it creates the mapping: the policy must exist first.
    this.eventSourceMapping.node.addDependency(this.appFunction.role);

    const malformed = new logs.MetricFilter(this, 'MalformedMails', {
      logGroup: this.appFunction.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', malformedOutboxMailMessage),
      metricNamespace: 'DropIn',
      metricName: 'MalformedOutboxMails',
      metricValue: '1',
      defaultValue: 0,
    });
    this.malformedMailAlarm = new cloudwatch.Alarm(this, 'MalformedMailsAlarm', {
      alarmDescription: 'An outbox item could not be read and its mail was skipped: see the function log',
      metric: malformed.metric({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
