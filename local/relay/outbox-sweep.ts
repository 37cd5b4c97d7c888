import { setTimeout as delay } from 'node:timers/promises';
import type { Handler } from 'aws-lambda';
import { soleEntryWithTrigger } from '../../functions/entries';
import type { SweepSummary } from '../../functions/handlers/outbox-sweeper';
import { createLambdaContext, entryTimeoutMs } from '../http/lambda-context';
import { type HandlerLoader, localRegion } from '../runtime';
import { describeFailure } from '../scheduler/invoke';

/**
 * The outbox sweeper offline: what the recurring EventBridge Scheduler schedule does in AWS (every minute), a
 * timer here, invoking the entry with `trigger: 'outbox-sweep'` the same way. Runs never overlap in this
 * process (in AWS they may; claims make that harmless). `npm start` sweeps every 15 s, tests more often.
 */

/** The entry the sweep invokes, as in lib/. */
export const outboxSweepEntry = soleEntryWithTrigger('outbox-sweep');

export interface OutboxSweeperOptions {
  readonly loadHandler: HandlerLoader;
  /** Between the end of one sweep and the start of the next. Default 15 s. */
  readonly intervalMs?: number;
  /** Failures, one line each, without addresses. Default console.error. */
  readonly log?: (line: string) => void;
}

export interface OutboxSweeper {
  /** Sweeps now (after a sweep in progress) and resolves with its summary. */
  sweepNow(): Promise<SweepSummary>;
  /**
   * Stops the timer; waits up to 2 s for a sweep in progress (an unfinished one is like a Lambda that died:
   * its claims run out and the next sweep takes them up). Safe to call twice.
   */
  stop(): Promise<void>;
}

/** One sweep, as the schedule invokes it, within the entry's timeout. */
export const invokeOutboxSweep = async (loadHandler: HandlerLoader): Promise<SweepSummary> => {
  const handler = await loadHandler<Handler<unknown, SweepSummary>>(outboxSweepEntry);
  const timeoutMs = entryTimeoutMs(outboxSweepEntry);
  let timeout: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      handler(
        {},
        createLambdaContext(outboxSweepEntry, localRegion),
        () => undefined,
      ) as Promise<SweepSummary>,
      new Promise<never>((_, reject) => {
        timeout = setTimeout(
          () => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timeout);
  }
};

export const startOutboxSweeper = (options: OutboxSweeperOptions): OutboxSweeper => {
  const log = options.log ?? ((line) => console.error(line));
  let running: Promise<SweepSummary | undefined> = Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const invoke = () => invokeOutboxSweep(options.loadHandler);

  /** One sweep after the one in progress; never two at once. */
  const queueSweep = (): Promise<SweepSummary> => {
    const next = running.catch(() => undefined).then(invoke);
    running = next.catch((error: unknown) => {
      log(`${outboxSweepEntry}: the sweep failed: ${describeFailure(error)}`);
      return undefined;
    });
    return next;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void queueSweep()
        .catch(() => undefined)
        .finally(schedule);
    }, options.intervalMs ?? 15_000);
  };
  schedule();

  return {
    sweepNow: queueSweep,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await Promise.race([running, delay(2_000)]);
    },
  };
};
