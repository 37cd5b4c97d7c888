import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { deliveryLog, oldestPendingAgeField } from '../functions/adapters/delivery-log';

export interface MailDeliveryAlarmsProps {
  /** The log groups of the functions that deliver outbox mail (entries with `needs.delivers`), by entry name. */
  readonly deliverers: Readonly<Record<string, logs.ILogGroup>>;
  /** The log groups of the sweepers (`trigger: 'outbox-sweep'`), by entry name; every sweep logs the backlog. */
  readonly sweepers: Readonly<Record<string, logs.ILogGroup>>;
  /**
   * How long a mail may wait before the backlog alarm fires: account-level or infrastructure errors that
   * last longer than this.
   * @default Duration.minutes(5)
   */
  readonly maxPendingAge?: Duration;
}

/** Where the metrics from the delivery log lines go. */
const namespace = 'DropIn';

/**
 * The alarms on mail delivery as a whole, built from the log lines of functions/adapters/delivery-log.ts
 * (metric filters, so the handlers need no CloudWatch permission): a mail given up on, by any delivering
 * function; and the age of the oldest mail still waiting, from every sweep. The backlog alarm treats missing
 * data as breaching: a sweeper that stops running logs nothing, and must alarm too.
 */
export class MailDeliveryAlarms extends Construct {
  /** A mail was given up on (rejected by SES, unrenderable, or out of retries): `deliveryLog.failed`. */
  readonly failedMailAlarm: cloudwatch.Alarm;
  /** The oldest mail not yet sent waited longer than `maxPendingAge`, or no sweep reported for that long. */
  readonly oldestPendingMailAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MailDeliveryAlarmsProps) {
    super(scope, id);
    const maxPendingAge = props.maxPendingAge ?? Duration.minutes(5);
    const deliverers = Object.entries(props.deliverers);
    const sweepers = Object.entries(props.sweepers);
    if (deliverers.length === 0) throw new Error(`${this.node.path}: no function delivers mail`);
    // Without a sweeper, a mail the stream missed would wait for ever (and the backlog alarm never clear).
    if (sweepers.length === 0) throw new Error(`${this.node.path}: mail is delivered, but nothing sweeps`);

    // One metric for every delivering function: a failed mail is one event, whichever function gave up on it.
    const failedMails = { namespace, metricName: 'FailedOutboxMails' };
    for (const [name, logGroup] of deliverers) {
      new logs.MetricFilter(this, `FailedMails-${name}`, {
        logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', deliveryLog.failed),
        metricNamespace: failedMails.namespace,
        metricName: failedMails.metricName,
        metricValue: '1',
        defaultValue: 0,
      });
    }
    this.failedMailAlarm = new cloudwatch.Alarm(this, 'FailedMailsAlarm', {
      alarmDescription:
        'Mail was given up on (SES rejected it, it could not be composed, or 24 h of retries ran out): the ' +
        `delivering functions' logs have "${deliveryLog.failed}" with the outbox id and the reason`,
      metric: new cloudwatch.Metric({
        ...failedMails,
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const oldestPending = { namespace, metricName: 'OldestPendingMailAgeSeconds' };
    for (const [name, logGroup] of sweepers) {
      // No default value: a sweep that did not run must leave a gap, not a zero.
      new logs.MetricFilter(this, `Backlog-${name}`, {
        logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', deliveryLog.backlog),
        metricNamespace: oldestPending.namespace,
        metricName: oldestPending.metricName,
        metricValue: `$.${oldestPendingAgeField}`,
        unit: cloudwatch.Unit.SECONDS,
      });
    }
    this.oldestPendingMailAlarm = new cloudwatch.Alarm(this, 'OldestPendingMailAlarm', {
      alarmDescription:
        `Mail has waited more than ${maxPendingAge.toHumanString()} (SES account paused or throttled, or an ` +
        'infrastructure error that lasts), or the outbox sweeper stopped reporting: see the ' +
        `"${deliveryLog.postponed}" lines in the delivering functions' logs, and the sweeper's errors`,
      metric: new cloudwatch.Metric({
        ...oldestPending,
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: maxPendingAge.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
}
