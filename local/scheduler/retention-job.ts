import type { Handler } from 'aws-lambda';
import { soleEntryWithTrigger } from '../../functions/entries';
import type { RetentionSummary } from '../../functions/handlers/retention';
import { createLambdaContext } from '../http/lambda-context';
import { type HandlerLoader, localRegion } from '../runtime';
import { describeFailure } from './invoke';

/**
 * The nightly retention job offline: in AWS a cron schedule at 03:30 Amsterdam time (lib/retention-job.ts);
 * here a laptop is rarely on at night, so it runs shortly after `npm start` and then once a day, invoking the
 * entry with `trigger: 'retention'` as the schedule does. The job is idempotent, so the extra runs are harmless.
 */

/** The entry the job invokes, as in lib/. */
export const retentionEntry = soleEntryWithTrigger('retention');

export interface RetentionJobOptions {
  readonly loadHandler: HandlerLoader;
  /** Before the first run. Default 30 s (after start-up, not in its way). */
  readonly firstRunAfterMs?: number;
  /** Between runs. Default a day. */
  readonly intervalMs?: number;
  /** One line per run or failure, without addresses. Default console.error. */
  readonly log?: (line: string) => void;
}

/** One run, as the schedule invokes it. */
export const invokeRetentionJob = async (loadHandler: HandlerLoader): Promise<RetentionSummary> => {
  const handler = await loadHandler<Handler<unknown, RetentionSummary>>(retentionEntry);
  return (await handler(
    {},
    createLambdaContext(retentionEntry, localRegion),
    () => undefined,
  )) as RetentionSummary;
};

export const startRetentionJob = (options: RetentionJobOptions): { stop(): void } => {
  const log = options.log ?? ((line) => console.error(line));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const runThenWait = (delayMs: number) => {
    timer = setTimeout(() => {
      void invokeRetentionJob(options.loadHandler)
        .then(({ registrations, failedMails }) => {
          if (registrations.meetings > 0 || failedMails > 0) {
            log(
              `anonymised ${registrations.registrations} registrations of ${registrations.meetings} meetings; forgot ${failedMails} failed mails`,
            );
          }
        })
        .catch((error: unknown) => log(`${retentionEntry}: the run failed: ${describeFailure(error)}`))
        .finally(() => {
          if (!stopped) runThenWait(options.intervalMs ?? 24 * 3600_000);
        });
    }, delayMs);
    timer.unref();
  };
  runThenWait(options.firstRunAfterMs ?? 30_000);
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
};
