import { z } from 'zod';

/**
 * Runtime configuration, read once per process from the environment and validated here, so that a missing
 * or malformed setting fails at start with its name instead of at the first request that needs it.
 * The CDK stateless stack sets these variables on every function; the local runtime sets them for itself.
 */
const configSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    /** Absolute base of every link in pages and mails: https in AWS, http://localhost:3000 offline. */
    PUBLIC_BASE_URL: z
      .url()
      .refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL')
      .transform((url) => url.replace(/\/+$/, '')),
    MAIL_FROM_ADDRESS: z.email(),
    MAIL_FROM_NAME: z.string().min(1).default('Drop In'),
    /** Reply address shown to recipients; defaults to the sender. */
    MAIL_REPLY_TO: z.email().optional(),
    SES_CONFIGURATION_SET: z.string().min(1).optional(),
    /** The token-signing key itself (offline) ... */
    TOKEN_SECRET: z.string().min(32).optional(),
    /** ... or the Secrets Manager secret that holds it (AWS). */
    TOKEN_SECRET_ARN: z.string().startsWith('arn:').optional(),
    AWS_REGION: z.string().min(1).default('eu-west-1'),
    /** Offline only: DynamoDB Local and the SES emulator. Unset in AWS. */
    DYNAMODB_ENDPOINT: z.url().optional(),
    SES_ENDPOINT: z.url().optional(),
  })
  .refine((c) => c.TOKEN_SECRET !== undefined || c.TOKEN_SECRET_ARN !== undefined, {
    message: 'set TOKEN_SECRET (offline) or TOKEN_SECRET_ARN (AWS)',
    path: ['TOKEN_SECRET'],
  });

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
