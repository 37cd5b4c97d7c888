import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { everyInAmsterdam, type IntervalJobProps, RecurringJob } from './recurring-job';

/** As the outbox sweeper's: an entry run every `interval` (default a minute). */
export type MailingSenderProps = IntervalJobProps;

/**
 * The mailing sender (docs/architecture.md, "Mailings"): the entry's function, started by a recurring
 * EventBridge Scheduler schedule every minute in Europe/Amsterdam, sends the recipients of the mailings that
 * are sending, paced to the SES allowance. One sender runs at a time: a run takes a lease in the table and
 * keeps sending until its time is nearly up, and a run that finds the lease held exits at once; so runs overlap
 * harmlessly, and a sender that died is followed within a minute of its lease running out.
 *
 * No reserved concurrency (lib/app-function.ts says why): the lease, not Lambda, is what keeps it to one.
 * No dead-letter queue and no Lambda retries, as for the sweeper: a run carries no input (its work is whatever
 * the table says is due), so a given-up run holds nothing to replay, and an invocation not run within one
 * interval is dropped rather than run behind its successor. The function's error alarm (lib/app-function.ts)
 * says when runs fail.
 *
 * The schedule lives in the account's default group, out of reach of the functions that manage the one-time
 * schedules of the other group.
 */
export class MailingSender extends RecurringJob {
  constructor(scope: Construct, id: string, props: MailingSenderProps) {
    const interval = props.interval ?? Duration.minutes(1);
    super(scope, id, {
      ...props,
      schedule: everyInAmsterdam(interval),
      // Scheduler and Lambda both keep an undelivered invocation at least 60 s; beyond one interval it is stale.
      staleAfter: Duration.seconds(Math.max(60, interval.toSeconds())),
      schedulerRetryAttempts: props.retryAttempts ?? 2,
      // No Lambda retries: the next run comes within the interval and picks up where the failed one stopped.
      functionRetryAttempts: 0,
      roleDescription: 'Drop In: EventBridge Scheduler invokes the mailing sender',
    });
  }
}
