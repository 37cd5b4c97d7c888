import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { everyInAmsterdam, type IntervalJobProps, RecurringJob } from './recurring-job';

/** An entry run every `interval` (default a minute). */
export type OutboxSweeperProps = IntervalJobProps;

/**
 * The safety net of outbox delivery: the entry's function, invoked by a recurring EventBridge Scheduler
 * schedule (every minute, in Europe/Amsterdam like every schedule of the system), delivers every outbox entry
 * that is due: missed by the stream, postponed after a failure, or in doubt. A sweep carries no input (its
 * work is whatever the table says is due) and claims each entry with a lease, so a sweep may run twice or
 * overlap another; a failed one is simply followed by the next.
 *
 * No dead-letter queue, neither for the scheduler nor for Lambda's asynchronous invocation: a given-up sweep
 * holds nothing to replay, and a minute of them during an outage would only be noise. What watches the
 * sweeper instead is the oldest-pending-mail alarm (lib/mail-delivery-alarms.ts), which also fires when
 * sweeps stop arriving, and the function's error alarm.
 *
 * The schedule lives in the account's default group, not in the group of the one-time schedules: the
 * functions that schedule may change or delete every schedule of that group, and must not touch this one.
 */
export class OutboxSweeper extends RecurringJob {
  constructor(scope: Construct, id: string, props: OutboxSweeperProps) {
    const interval = props.interval ?? Duration.minutes(1);
    super(scope, id, {
      ...props,
      schedule: everyInAmsterdam(interval),
      // Scheduler and Lambda both keep an undelivered invocation at least 60 s; beyond one interval it is stale.
      staleAfter: Duration.seconds(Math.max(60, interval.toSeconds())),
      schedulerRetryAttempts: props.retryAttempts ?? 2,
      // No Lambda retries: the next sweep comes within the interval, and an invocation still queued after one
      // interval is dropped rather than run behind its successor.
      functionRetryAttempts: 0,
      roleDescription: 'Drop In: EventBridge Scheduler invokes the outbox sweeper',
    });
  }
}
