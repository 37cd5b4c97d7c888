import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * The per-stage settings from the `stages` context in cdk.json (`-c stage=<name>` picks one). Read and checked
 * once here, so a typo fails the synth with the setting's name instead of deploying a broken stage.
 */
export interface StageSettings {
  /**
   * The AWS region of the stage. Pinned here because the data is about people in the Netherlands: without it
   * the CLI's default (us-east-1 on a machine without an AWS profile) would decide where it is stored.
   * Default: CDK_DEFAULT_REGION, else eu-west-1.
   */
  readonly region?: string;
  /** The AWS account of the stage. Default: CDK_DEFAULT_ACCOUNT (the CLI's credentials). */
  readonly account?: string;
  /** Absolute https base of every link in pages and mails (the config's PUBLIC_BASE_URL). */
  readonly publicBaseUrl: string;
  /** The sender address; must be at `sesIdentity`, the only identity the functions may send from. */
  readonly mailFromAddress: string;
  readonly mailFromName: string;
  /** Reply address shown to recipients. Default: none (replies go to the sender). */
  readonly mailReplyTo?: string;
  /** The SES domain identity the mail is sent from. */
  readonly sesIdentity: string;
  /**
   * Where every CloudWatch alarm of the stage is mailed (the alarm topic's e-mail subscription). AWS mails a
   * confirmation link to it after the first deploy; until someone follows it, no alarm arrives.
   */
  readonly alarmEmail: string;
  /** Organisers who get the Vooruitblik's preview link to approve it. Default: `alarmEmail`. */
  readonly organiserAlertEmails: readonly string[];
  /** Retention of function and access logs, in days (one of CloudWatch's allowed values). */
  readonly logRetentionDays: RetentionDays;
  /** Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`). Default: no domain. */
  readonly cognitoDomainPrefix?: string;
  /** Where the hosted sign-in may send organisers back to (authorization code + PKCE). Default: none. */
  readonly organiserCallbackUrls?: readonly string[];
  /** Where the hosted sign-out may send organisers back to. Default: `publicBaseUrl`. */
  readonly organiserLogoutUrls?: readonly string[];
  /** Steady-state requests per second of the HTTP API's default stage. Default 50. */
  readonly apiRateLimit?: number;
  /** Burst of requests of the HTTP API's default stage. Default 100. */
  readonly apiBurstLimit?: number;
  /**
   * Steady-state requests per second of each public POST route (a route with a `limit` in functions/routes.ts),
   * on top of the stage's. Default 25.
   */
  readonly publicPostRateLimit?: number;
  /** Burst of requests of each public POST route. Default 50. */
  readonly publicPostBurstLimit?: number;
  /**
   * Public POSTs that start something admitted per client network (an IPv4 address, an IPv6 /64) a minute,
   * counted by the functions (the config's PUBLIC_POSTS_PER_IP_PER_MINUTE). Default 20.
   */
  readonly publicPostsPerIpPerMinute?: number;
  /**
   * Public POSTs that carry a signed link token admitted per token a minute (the config's
   * PUBLIC_POSTS_PER_TOKEN_PER_MINUTE). Default 10.
   */
  readonly publicPostsPerTokenPerMinute?: number;
  /** Log level of every function (functions/adapters/logger.ts). Default INFO. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** CloudFormation termination protection of the stateful stack. Default true. */
  readonly terminationProtection?: boolean;
  /**
   * Days after a meeting ends that its registrations keep the person's details (functions/core/retention.ts,
   * the config's REGISTRATION_RETENTION_DAYS). Default 90.
   */
  readonly registrationRetentionDays?: number;
  /** Days a request for a report on request is kept (functions/core/retention.ts). Default 365. */
  readonly reportRequestRetentionDays?: number;
  /** Days an entry of the organisers' audit trail is kept (functions/core/retention.ts). Default 730. */
  readonly auditRetentionDays?: number;
}

export class StageSettingsError extends Error {
  override readonly name = 'StageSettingsError';
}

const allowedRetentionDays = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Picks the stage's settings out of the `stages` context value and checks them.
 * @throws StageSettingsError naming every missing or malformed setting.
 */
export const readStageSettings = (stages: unknown, stageName: string): StageSettings => {
  if (!isRecord(stages)) throw new StageSettingsError('The cdk.json context has no `stages` object');
  const raw = stages[stageName];
  if (!isRecord(raw)) {
    throw new StageSettingsError(
      `Unknown stage "${stageName}"; cdk.json defines: ${Object.keys(stages).join(', ') || '(none)'}`,
    );
  }

  const problems: string[] = [];
  const text = (key: string, optional = false): string | undefined => {
    const value = raw[key];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value.trim() === '')
      problems.push(`${key}: expected a non-empty string`);
    return typeof value === 'string' ? value : undefined;
  };
  const textList = (key: string): string[] | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
      problems.push(`${key}: expected a list of non-empty strings`);
      return undefined;
    }
    return value as string[];
  };
  const positive = (key: string): number | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      problems.push(`${key}: expected a positive whole number`);
      return undefined;
    }
    return value;
  };

  const region = text('region', true);
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    problems.push('region: expected e.g. eu-west-1');
  const account = text('account', true);
  if (account !== undefined && !/^\d{12}$/.test(account)) problems.push('account: expected 12 digits');
  const publicBaseUrl = text('publicBaseUrl');
  if (publicBaseUrl !== undefined && !/^https:\/\/[^/]+/.test(publicBaseUrl)) {
    problems.push('publicBaseUrl: expected an https URL');
  }
  const sesIdentity = text('sesIdentity');
  const mailFromAddress = text('mailFromAddress');
  if (
    mailFromAddress !== undefined &&
    sesIdentity !== undefined &&
    !mailFromAddress.endsWith(`@${sesIdentity}`)
  ) {
    // The send permission is limited to this identity, so any other sender would fail at the first mail.
    problems.push(`mailFromAddress: must be an address at the SES identity ${sesIdentity}`);
  }
  const mailFromName = text('mailFromName');
  const mailReplyTo = text('mailReplyTo', true);
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    problems.push('alarmEmail: expected an e-mail address');
  }
  const logRetentionDays = raw.logRetentionDays;
  if (typeof logRetentionDays !== 'number' || !allowedRetentionDays.has(logRetentionDays)) {
    problems.push(`logRetentionDays: expected one of ${[...allowedRetentionDays].join(', ')}`);
  }
  const cognitoDomainPrefix = text('cognitoDomainPrefix', true);
  if (
    cognitoDomainPrefix !== undefined &&
    !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(cognitoDomainPrefix)
  ) {
    problems.push('cognitoDomainPrefix: lower-case letters, digits and hyphens only');
  }
  const organiserAlertEmails = textList('organiserAlertEmails');
  if (organiserAlertEmails?.some((address) => !/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(address))) {
    problems.push('organiserAlertEmails: expected e-mail addresses');
  }
  const organiserCallbackUrls = textList('organiserCallbackUrls');
  const organiserLogoutUrls = textList('organiserLogoutUrls');
  const apiRateLimit = positive('apiRateLimit');
  const apiBurstLimit = positive('apiBurstLimit');
  const publicPostRateLimit = positive('publicPostRateLimit');
  const publicPostBurstLimit = positive('publicPostBurstLimit');
  const publicPostsPerIpPerMinute = positive('publicPostsPerIpPerMinute');
  const publicPostsPerTokenPerMinute = positive('publicPostsPerTokenPerMinute');
  for (const [key, value] of Object.entries({ publicPostsPerIpPerMinute, publicPostsPerTokenPerMinute })) {
    // The functions' configuration refuses more (functions/config.ts), so the deploy would break them all.
    if (value !== undefined && value > 9_999_999) problems.push(`${key}: expected at most 9999999`);
  }
  const registrationRetentionDays = positive('registrationRetentionDays');
  if (registrationRetentionDays !== undefined && registrationRetentionDays > 9999) {
    problems.push('registrationRetentionDays: expected at most 9999');
  }
  const reportRequestRetentionDays = positive('reportRequestRetentionDays');
  if (reportRequestRetentionDays !== undefined && reportRequestRetentionDays > 9999) {
    problems.push('reportRequestRetentionDays: expected at most 9999');
  }
  const auditRetentionDays = positive('auditRetentionDays');
  if (auditRetentionDays !== undefined && auditRetentionDays > 9999) {
    problems.push('auditRetentionDays: expected at most 9999');
  }
  const logLevel = raw.logLevel;
  if (logLevel !== undefined && !['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(String(logLevel))) {
    problems.push('logLevel: expected DEBUG, INFO, WARN or ERROR');
  }
  const terminationProtection = raw.terminationProtection;
  if (terminationProtection !== undefined && typeof terminationProtection !== 'boolean') {
    problems.push('terminationProtection: expected true or false');
  }

  if (problems.length > 0) {
    throw new StageSettingsError(`Invalid settings for stage "${stageName}": ${problems.join('; ')}`);
  }
  return {
    publicBaseUrl: publicBaseUrl as string,
    mailFromAddress: mailFromAddress as string,
    mailFromName: mailFromName as string,
    sesIdentity: sesIdentity as string,
    alarmEmail: alarmEmail as string,
    organiserAlertEmails: organiserAlertEmails ?? [alarmEmail as string],
    logRetentionDays: logRetentionDays as RetentionDays,
    ...(region !== undefined && { region }),
    ...(account !== undefined && { account }),
    ...(mailReplyTo !== undefined && { mailReplyTo }),
    ...(cognitoDomainPrefix !== undefined && { cognitoDomainPrefix }),
    ...(organiserCallbackUrls !== undefined && { organiserCallbackUrls }),
    ...(organiserLogoutUrls !== undefined && { organiserLogoutUrls }),
    ...(apiRateLimit !== undefined && { apiRateLimit }),
    ...(apiBurstLimit !== undefined && { apiBurstLimit }),
    ...(publicPostRateLimit !== undefined && { publicPostRateLimit }),
    ...(publicPostBurstLimit !== undefined && { publicPostBurstLimit }),
    ...(publicPostsPerIpPerMinute !== undefined && { publicPostsPerIpPerMinute }),
    ...(publicPostsPerTokenPerMinute !== undefined && { publicPostsPerTokenPerMinute }),
    ...(logLevel !== undefined && { logLevel: logLevel as StageSettings['logLevel'] }),
    ...(terminationProtection !== undefined && { terminationProtection: terminationProtection as boolean }),
    ...(registrationRetentionDays !== undefined && { registrationRetentionDays }),
    ...(reportRequestRetentionDays !== undefined && { reportRequestRetentionDays }),
    ...(auditRetentionDays !== undefined && { auditRetentionDays }),
  };
};
