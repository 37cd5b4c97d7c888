import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { redactAddresses } from './redaction';

/**
 * Structured JSON logs, one object per line on stdout, so CloudWatch metric filters match their fields
 * (`$.message`, `$.level`, …). Never log addresses, names, tokens or request bodies (docs/architecture.md,
 * "Privacy"): log ids and outcomes only.
 *
 * The house logger rather than a library's: what the functions need is a level, a message, fields and the
 * invocation's ids, which is a few dozen lines; a logging library cost every bundle about 21 KB
 * (docs/architecture.md, "Lean functions").
 */
const logLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof logLevels)[number];

const rank: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

/** LOG_LEVEL, case-insensitive; INFO when unset or unknown. */
export const logLevelOf = (value: string | undefined): LogLevel =>
  logLevels.find((level) => level === value?.toUpperCase()) ?? 'INFO';

/**
 * Errors become plain fields (JSON.stringify would drop their name, message and stack), with any address in
 * them redacted: an SDK's error message may quote one.
 */
const plain = (_key: string, value: unknown): unknown =>
  value instanceof Error
    ? {
        name: value.name,
        message: redactAddresses(value.message),
        ...(value.stack ? { stack: redactAddresses(value.stack) } : {}),
      }
    : value;

export interface LoggerSettings {
  readonly service: string;
  readonly level: LogLevel;
  /** Where a line goes. Default: stdout. */
  readonly write?: (line: string) => void;
  readonly clock?: () => Date;
}

export class Logger {
  #invocation: Record<string, string | boolean> = {};
  #coldStart = true;

  constructor(private readonly settings: LoggerSettings) {}

  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.#log('DEBUG', message, fields);
  }

  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.#log('INFO', message, fields);
  }

  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.#log('WARN', message, fields);
  }

  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.#log('ERROR', message, fields);
  }

  /** The ids of the invocation under way, on every line until the next one starts. */
  startInvocation(context: Pick<Context, 'functionName' | 'awsRequestId'>): void {
    const trace = process.env._X_AMZN_TRACE_ID?.match(/Root=([^;]+)/)?.[1];
    this.#invocation = {
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      cold_start: this.#coldStart,
      ...(trace ? { xray_trace_id: trace } : {}),
    };
    this.#coldStart = false;
  }

  #log(level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (rank[level] < rank[this.settings.level]) return;
    // The fields first: none may replace the keys the alarms' metric filters read ($.level, $.message).
    const entry = {
      ...fields,
      level,
      message,
      timestamp: (this.settings.clock?.() ?? new Date()).toISOString(),
      service: this.settings.service,
      ...this.#invocation,
    };
    let line: string;
    try {
      line = JSON.stringify(entry, plain);
    } catch {
      // A field JSON cannot hold (a cycle, a BigInt) must not fail the invocation that logs it.
      line = JSON.stringify({
        ...entry,
        ...Object.fromEntries(Object.keys(fields).map((key) => [key, '(unserialisable)'])),
      });
    }
    if (this.settings.write) this.settings.write(line);
    else process.stdout.write(`${line}\n`);
  }
}

export const logger = new Logger({
  service: process.env.SERVICE_NAME ?? 'dropin',
  level: logLevelOf(process.env.LOG_LEVEL),
});

/** Middy middleware: every line an invocation writes carries the invocation's ids. */
export const logInvocation = (): MiddlewareObj<unknown, unknown, Error, Context> => ({
  before: ({ context }) => logger.startInvocation(context),
});
