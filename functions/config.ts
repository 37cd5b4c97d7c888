import * as z from 'zod/mini';
import './adapters/validation-locale';
import {
  defaultPublicPostsPerClientPerMinute,
  defaultPublicPostsPerTokenPerMinute,
} from './core/request-limits';
import {
  defaultAuditRetentionDays,
  defaultRegistrationRetentionDays,
  defaultReportRequestRetentionDays,
} from './core/retention';

/**
 * Runtime configuration, read once per process from the environment and validated here, so that a missing
 * or malformed setting fails at start with its name instead of at the first request that needs it.
 * The CDK stateless stack sets these variables on every function; the local runtime sets them for itself.
 */
const schedulerModes = ['aws', 'table'] as const;
const awsSchedulerVariables = [
  'SCHEDULER_GROUP',
  'SCHEDULER_ROLE_ARN',
  'SCHEDULER_TARGET_ARN',
  'SCHEDULER_DLQ_ARN',
] as const;

/** A limit on public POSTs: a whole number of requests a minute, 1 or more. */
const requestsPerMinute = (fallback: number) =>
  z._default(
    z.pipe(z.string().check(z.regex(/^[1-9]\d{0,6}$/, 'must be a whole number from 1')), z.transform(Number)),
    fallback,
  );

const configSchema = z
  .object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    /** Absolute base of every link in pages and mails: https in AWS, http://localhost:3000 offline. */
    PUBLIC_BASE_URL: z.pipe(
      z.url().check(z.refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL')),
      z.transform((url: string) => url.replace(/\/+$/, '')),
    ),
    MAIL_FROM_ADDRESS: z.email(),
    MAIL_FROM_NAME: z._default(z.string().check(z.minLength(1)), 'Drop In'),
    /** Reply address shown to recipients; defaults to the sender. */
    MAIL_REPLY_TO: z.optional(z.email()),
    SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
    /**
     * The person-id key itself (offline) ... It keys people and is never rotated; links signed before the
     * link keyring existed verify against it (docs/architecture.md, "Links and tokens").
     */
    TOKEN_SECRET: z.optional(z.string().check(z.minLength(32))),
    /** ... or the Secrets Manager secret that holds it (AWS). */
    TOKEN_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
    /** The link keyring: its Secrets Manager secret (AWS) ... */
    LINK_KEYS_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
    /** ... or its file in the data folder (offline). Neither: the legacy key signs every link. */
    LINK_KEYS_FILE: z.optional(z.string().check(z.minLength(1))),
    AWS_REGION: z._default(z.string().check(z.minLength(1)), 'eu-west-1'),
    /**
     * Days after a meeting ends that its registrations keep the person's details (core/retention.ts); the
     * stage's `registrationRetentionDays` (cdk.json) sets it.
     */
    REGISTRATION_RETENTION_DAYS: z._default(
      z.pipe(
        z.string().check(z.regex(/^[1-9]\d{0,3}$/, 'must be a whole number of days, 1 to 9999')),
        z.transform(Number),
      ),
      defaultRegistrationRetentionDays,
    ),
    /**
     * Days a request for a report on request is kept (core/retention.ts); the stage's
     * `reportRequestRetentionDays` (cdk.json) sets it.
     */
    REPORT_REQUEST_RETENTION_DAYS: z._default(
      z.pipe(
        z.string().check(z.regex(/^[1-9]\d{0,3}$/, 'must be a whole number of days, 1 to 9999')),
        z.transform(Number),
      ),
      defaultReportRequestRetentionDays,
    ),
    /**
     * Days an entry of the audit trail is kept (core/retention.ts); the stage's `auditRetentionDays`
     * (cdk.json) sets it.
     */
    AUDIT_RETENTION_DAYS: z._default(
      z.pipe(
        z.string().check(z.regex(/^[1-9]\d{0,3}$/, 'must be a whole number of days, 1 to 9999')),
        z.transform(Number),
      ),
      defaultAuditRetentionDays,
    ),
    /** Mailings (docs/architecture.md, "Sending a mailing"): a send rate (mails/s) instead of SES's MaxSendRate. */
    MAILING_SEND_RATE: z.optional(
      z.pipe(
        z.string().check(z.regex(/^\d+(\.\d+)?$/, 'must be a number of mails per second')),
        z.transform(Number),
      ),
    ),
    /** The share of the SES rate mailings leave to transactional mail, 0 to below 1. Default 0.1. */
    MAILING_RATE_RESERVE: z._default(
      z.pipe(
        z.string().check(z.regex(/^0(\.\d+)?$/, 'must be a share from 0 to below 1')),
        z.transform(Number),
      ),
      0.1,
    ),
    /** Audiences larger than this need a test-send to the author and a second organiser's approval. */
    FOUR_EYES_THRESHOLD: z._default(
      z.pipe(z.string().check(z.regex(/^\d{1,7}$/, 'must be a whole number')), z.transform(Number)),
      500,
    ),
    /**
     * The organisers who get the Vooruitblik's preview link (docs/architecture.md, "The Vooruitblik"), comma
     * separated; the stage's `organiserAlertEmails` (cdk.json) sets it. None: nobody is alerted.
     */
    ORGANISER_ALERT_ADDRESSES: z._default(
      z.pipe(
        z
          .string()
          .check(
            z.refine(
              (text) =>
                text.trim() === '' ||
                text.split(',').every((a) => /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(a.trim())),
              'must be e-mail addresses separated by commas',
            ),
          ),
        z.transform((text: string) =>
          text
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
        ),
      ),
      [],
    ),
    /**
     * Public POSTs that start something (subscribing, registering, asking for a link or a report) admitted per
     * client network a minute: an IPv4 address, or an IPv6 /64 (docs/architecture.md, "Limits on public
     * POSTs"). The stage's `publicPostsPerIpPerMinute` (cdk.json) sets it; offline the environment of
     * `npm start`.
     */
    PUBLIC_POSTS_PER_IP_PER_MINUTE: requestsPerMinute(defaultPublicPostsPerClientPerMinute),
    /**
     * Public POSTs that carry a signed link token (confirmations, one-click unsubscribes) admitted per token a
     * minute; the stage's `publicPostsPerTokenPerMinute` sets it.
     */
    PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: requestsPerMinute(defaultPublicPostsPerTokenPerMinute),
    /** Offline only: DynamoDB Local and the SES emulator. Unset in AWS. */
    DYNAMODB_ENDPOINT: z.optional(z.url()),
    SES_ENDPOINT: z.optional(z.url()),
    /** Offline only: the local S3 server (local/engines/s3.ts) that stands in for the report documents' bucket. */
    S3_ENDPOINT: z.optional(z.url()),
    /**
     * The private bucket of reports' PDFs (docs/architecture.md, "Report documents (PDFs)"): set on the functions
     * that upload or hand out documents, unset on the others.
     */
    REPORT_DOCUMENTS_BUCKET: z.optional(
      z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
    ),
    /**
     * Where one-time schedules live (docs/architecture.md, "Schedules"): `aws` is EventBridge Scheduler, `table` the local
     * scheduler's schedules in the table (offline; local/scheduler fires them).
     */
    SCHEDULER_MODE: z._default(z.enum(schedulerModes), 'aws'),
    /** AWS only: the schedule group every schedule is created in. */
    SCHEDULER_GROUP: z.optional(
      z.string().check(z.regex(/^[0-9a-zA-Z._-]{1,64}$/, 'must be a schedule group name')),
    ),
    /** AWS only: the role EventBridge Scheduler assumes to invoke the target and write to the DLQ. */
    SCHEDULER_ROLE_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
    /** AWS only: the function a schedule invokes (the entry with `trigger: 'schedule'`). */
    SCHEDULER_TARGET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
    /** AWS only: the SQS queue EventBridge Scheduler delivers an invocation to when it gives up. */
    SCHEDULER_DLQ_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  })
  .check(
    z.refine((c) => c.TOKEN_SECRET !== undefined || c.TOKEN_SECRET_ARN !== undefined, {
      message: 'set TOKEN_SECRET (offline) or TOKEN_SECRET_ARN (AWS)',
      path: ['TOKEN_SECRET'],
    }),
    // In AWS the keyring is never optional: without it the legacy key would sign, and links with a key id fail.
    z.refine((c) => c.TOKEN_SECRET_ARN === undefined || c.LINK_KEYS_ARN !== undefined, {
      message: 'required with TOKEN_SECRET_ARN: the link keyring secret',
      path: ['LINK_KEYS_ARN'],
    }),
    z.superRefine((c, context) => {
      if (c.SCHEDULER_MODE !== 'aws') return;
      for (const name of awsSchedulerVariables) {
        if (c[name] === undefined) {
          context.addIssue({
            code: 'custom',
            message: 'required when SCHEDULER_MODE is aws (set SCHEDULER_MODE=table offline)',
            path: [name],
          });
        }
      }
    }),
  );

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates the environment; throws one ConfigError naming every missing or malformed variable. */
export const loadConfig = (env: Record<string, string | undefined>): Config => {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`,
  );
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
};

/** How the composition builds the Scheduler port: the settings of the mode config names, checked. */
export type SchedulerSettings =
  | { readonly mode: 'table' }
  | {
      readonly mode: 'aws';
      readonly groupName: string;
      readonly roleArn: string;
      readonly targetArn: string;
      readonly deadLetterArn: string;
    };

export const schedulerSettings = (config: Config): SchedulerSettings => {
  if (config.SCHEDULER_MODE === 'table') return { mode: 'table' };
  const { SCHEDULER_GROUP, SCHEDULER_ROLE_ARN, SCHEDULER_TARGET_ARN, SCHEDULER_DLQ_ARN } = config;
  // loadConfig has refused a config without them; this guards a Config built some other way.
  if (!SCHEDULER_GROUP || !SCHEDULER_ROLE_ARN || !SCHEDULER_TARGET_ARN || !SCHEDULER_DLQ_ARN) {
    throw new ConfigError(
      `Invalid configuration: SCHEDULER_MODE aws needs ${awsSchedulerVariables.join(', ')}`,
    );
  }
  return {
    mode: 'aws',
    groupName: SCHEDULER_GROUP,
    roleArn: SCHEDULER_ROLE_ARN,
    targetArn: SCHEDULER_TARGET_ARN,
    deadLetterArn: SCHEDULER_DLQ_ARN,
  };
};

/** The report documents' bucket, for the functions that use it: a function without it fails at first use. */
export const reportDocumentsBucket = (config: Config): string => {
  if (config.REPORT_DOCUMENTS_BUCKET === undefined) {
    throw new ConfigError(
      'Invalid configuration: REPORT_DOCUMENTS_BUCKET: required to store report documents',
    );
  }
  return config.REPORT_DOCUMENTS_BUCKET;
};
