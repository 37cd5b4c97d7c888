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

/**
 * The account's SES reputation rates (0 to 1) at which the reputation alarms fire. SES puts the account under
 * review at a complaint rate of 0.1% and a bounce rate of 5%, and may pause all sending from 0.5% and 10%:
 * these alarms come well before the pause, and before the review for bounces.
 */
export const reputationAlarmThresholds = { complaintRate: 0.001, bounceRate: 0.04 } as const;

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

/**
 * The alarms on the sending reputation of the SES account: its complaint and bounce rates, in time to act
 * before SES reviews the account or pauses its sending (which would hold up every mail, see "Failure
 * classes" in docs/architecture.md). In the stateful stack, with the identity: the rates are the account's,
 * not any function's.
 */
export class SesReputationAlarms extends Construct {
  /** The account's SES complaint rate reached 0.1% (`reputationAlarmThresholds`). */
  readonly complaintRateAlarm: cloudwatch.Alarm;
  /** The account's SES bounce rate reached 4% (`reputationAlarmThresholds`). */
  readonly bounceRateAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The account-level reputation metrics SES publishes itself (namespace AWS/SES, no dimensions): each is
    // already a rate over SES's representative volume of recent mail, so the highest value of the hour is
    // what counts. SES publishes them only once the account has had a bounce or a complaint: no data is fine.
    const reputationAlarm = (id: string, metricName: string, threshold: number, description: string) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SES',
          metricName,
          period: Duration.hours(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.complaintRateAlarm = reputationAlarm(
      'ComplaintRateAlarm',
      'Reputation.ComplaintRate',
      reputationAlarmThresholds.complaintRate,
      'The SES complaint rate of the account reached 0.1%, where SES puts the account under review (at 0.5% ' +
        "it may pause all sending): see the SES console's reputation page, and the Complaint events in the SES " +
        'events function\'s log ("SES event applied"), for which mailing drew them',
    );
    this.bounceRateAlarm = reputationAlarm(
      'BounceRateAlarm',
      'Reputation.BounceRate',
      reputationAlarmThresholds.bounceRate,
      'The SES bounce rate of the account reached 4% (SES reviews the account at 5% and may pause all sending ' +
        "at 10%): see the SES console's reputation page, and the Bounce events in the SES events function's " +
        'log ("SES event applied"), for where the bouncing addresses came from',
    );
  }
}
