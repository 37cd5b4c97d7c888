import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type StoredSchedule, TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { scheduledJobRetryPolicy } from '../../functions/adapters/scheduled-jobs';
import { localAwsSettings } from '../engines/dynamodb-local';
import type { HandlerLoader } from '../runtime';
import { nextCronTime } from './cron';
import { describeFailure, invokeSchedule, UnknownScheduledJob } from './invoke';

/**
 * The local scheduler's clock (docs/architecture.md, "Schedules"): what EventBridge Scheduler does in AWS, done against the
 * table the TableScheduler writes. Every poll it Queries the due schedules, reads each again strongly (the
 * index lags, and a schedule may have moved), invokes its function with the schedule's input as the event,
 * and deletes it after a successful run only if it is unchanged, so a schedule moved while it ran stays for
 * its new time. A failing run is retried with a growing delay; after `maxAttempts` it is given up on (kept,
 * out of the due index, for `npm run local -- fire`). Nothing is held in memory that a restart would lose:
 * a schedule that fell due while nothing ran fires at the next start. At least once, like the service: the
 * functions it invokes are safe to run twice.
 */

export interface ScheduleRunnerOptions {
  /** DynamoDB Local, e.g. `http://127.0.0.1:8000`. */
  readonly endpoint: string;
  readonly tableName: string;
  /** Imports the handlers; the handler environment must be set before the first schedule is due. */
  readonly loadHandler: HandlerLoader;
  /** Pause between looks for due schedules. Default 1 s. */
  readonly pollIntervalMs?: number;
  /** The first retry's delay; each further one doubles it, up to `maxRetryDelayMs`. Default 1 s. */
  readonly retryDelayMs?: number;
  /** Default 60 s. */
  readonly maxRetryDelayMs?: number;
  /** Runs of one schedule before it is given up on. Default 1 + scheduledJobRetryPolicy.maximumRetryAttempts. */
  readonly maxAttempts?: number;
  /** Failures, retries and give-ups, one line each, without addresses. Default console.error. */
  readonly log?: (line: string) => void;
}

export interface ScheduleRunner {
  /** Stops polling; waits for a run in progress. Safe to call twice. */
  stop(): Promise<void>;
}

interface FailureState {
  readonly revision: string;
  readonly attempts: number;
  readonly retryAt: number;
}

/** Starts the runner; resolves once it has read the due schedules a first time (so the table is there). */
export const startScheduleRunner = async (options: ScheduleRunnerOptions): Promise<ScheduleRunner> => {
  const client = new DynamoDBClient({ ...localAwsSettings, endpoint: options.endpoint });
  const scheduler = new TableScheduler(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    options.tableName,
  );
  const runner = new RunningScheduleRunner(options, scheduler, () => client.destroy());
  try {
    await scheduler.dueSchedules(new Date(), 1);
  } catch (error) {
    client.destroy();
    throw error;
  }
  runner.start();
  return { stop: () => runner.stop() };
};

class RunningScheduleRunner {
  readonly #stopping = new AbortController();
  readonly #failures = new Map<string, FailureState>();
  readonly #log: (line: string) => void;
  #loop: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(
    private readonly options: ScheduleRunnerOptions,
    private readonly scheduler: TableScheduler,
    private readonly release: () => void,
  ) {
    this.#log = options.log ?? ((line) => console.error(line));
  }

  start(): void {
    this.#loop = this.#run();
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort();
      await this.#loop;
      this.release();
    })();
    return this.#stopped;
  }

  get #isStopping(): boolean {
    return this.#stopping.signal.aborted;
  }

  async #run(): Promise<void> {
    while (!this.#isStopping) {
      try {
        await this.#runDueSchedules();
      } catch (error) {
        if (!this.#isStopping) this.#log(`looking for due schedules failed: ${describeFailure(error)}`);
      }
      await delay(this.options.pollIntervalMs ?? 1_000, undefined, { signal: this.#stopping.signal }).catch(
        () => undefined,
      );
    }
  }

  async #runDueSchedules(): Promise<void> {
    const due = await this.scheduler.dueSchedules(new Date());
    for (const listed of due) {
      if (this.#isStopping) return;
      const failure = this.#failures.get(listed.name);
      if (failure && failure.revision === listed.revision && failure.retryAt > Date.now()) continue;
      const schedule = await this.scheduler.find(listed.name);
      // Gone (cancelled, or run by `fire`), given up on, or moved later since the index was written.
      if (!schedule || schedule.failedAt !== undefined || Date.parse(schedule.dueAt) > Date.now()) {
        this.#failures.delete(listed.name);
        continue;
      }
      await this.#runOnce(schedule);
    }
  }

  async #runOnce(schedule: StoredSchedule): Promise<void> {
    try {
      await invokeSchedule(this.options.loadHandler, schedule);
    } catch (error) {
      await this.#failed(schedule, error);
      return;
    }
    this.#failures.delete(schedule.name);
    // A recurring schedule moves to its next time after now (a time missed while nothing ran fires once).
    const next =
      schedule.expression === undefined ? undefined : nextCronTime(schedule.expression, new Date());
    if ((await this.scheduler.complete(schedule, next)) === 'changed') {
      this.#log(`schedule ${schedule.name} ran, and was moved meanwhile: it stays for its new time`);
    }
  }

  async #failed(schedule: StoredSchedule, error: unknown): Promise<void> {
    const previous = this.#failures.get(schedule.name);
    const attempts = (previous?.revision === schedule.revision ? previous.attempts : 0) + 1;
    const maxAttempts = this.options.maxAttempts ?? 1 + scheduledJobRetryPolicy.maximumRetryAttempts;
    // An input naming no known job cannot succeed on a retry.
    if (attempts >= maxAttempts || error instanceof UnknownScheduledJob) {
      this.#failures.delete(schedule.name);
      const outcome = await this.scheduler.markFailed(schedule, new Date());
      if (outcome === 'done') {
        this.#log(
          `schedule ${schedule.name} failed ${attempts} time(s) and is given up on (${describeFailure(error)}); ` +
            `it is kept: npm run local -- fire ${schedule.name} runs it again`,
        );
      }
      return;
    }
    const first = this.options.retryDelayMs ?? 1_000;
    const wait = Math.min(first * 2 ** (attempts - 1), this.options.maxRetryDelayMs ?? 60_000);
    this.#failures.set(schedule.name, { revision: schedule.revision, attempts, retryAt: Date.now() + wait });
    this.#log(
      `schedule ${schedule.name} failed (attempt ${attempts} of ${maxAttempts}): ${describeFailure(error)}; ` +
        `retrying in ${Math.ceil(wait / 1000)} s`,
    );
  }
}
