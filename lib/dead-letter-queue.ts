import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What gives up into this queue, e.g. "the outbox stream mapping"; it explains the SQS3 acknowledgement. */
  readonly deadLetterOf: string;
  /** What a person on call should do about a message; the alarm's description. */
  readonly alarmDescription: string;
  /**
   * A fixed queue name, for queues whose ARN is stored outside the stack (schedules keep theirs).
   * @default a generated name
   */
  readonly queueName?: string;
}

/**
 * Where an at-least-once source puts what it gave up on: an encrypted, TLS-only queue kept 14 days, with an
 * alarm as soon as one message is visible. It needs no dead-letter queue of its own.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      ...(props.queueName ? { queueName: props.queueName } : {}),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter destination of ${props.deadLetterOf}; a dead-letter queue needs no dead-letter queue of its own, and the alarm on visible messages watches it.`,
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: props.alarmDescription,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
