import { type EntryName, lambdaEntries } from '../functions/entries';
import { defaultOrganiser } from './auth/organiser-auth';
import type { LambdaHttpHandler } from './http/server';

/**
 * The local composition root's process side: the environment every handler reads at module load (the same
 * variables the CDK sets on each function, pointed at the local engines) and the lazy, cached import of each
 * entry's handler module. The environment must be complete before the first handler import.
 */

export const localTableName = 'dropin';
export const localRegion = 'eu-west-1';

export interface HandlerEnvironmentSettings {
  /** PUBLIC_BASE_URL: where the site is reached, e.g. `http://localhost:3000`. */
  readonly siteUrl: string;
  readonly dynamoDbEndpoint: string;
  readonly sesEndpoint: string;
  /** The person-id key, also the legacy link key. */
  readonly tokenSecret: string;
  /** The link keyring's file (LINK_KEYS_FILE); none: the legacy key signs every link. */
  readonly linkKeysFile?: string;
  /** The local S3 server (S3_ENDPOINT) and the bucket of reports' PDFs on it (REPORT_DOCUMENTS_BUCKET). */
  readonly reportDocuments?: { readonly s3Endpoint: string; readonly bucket: string };
  /** Default `dropin`. */
  readonly tableName?: string;
  /** LOG_LEVEL. Default INFO. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * Public POSTs admitted per client network and per link token a minute (PUBLIC_POSTS_PER_IP_PER_MINUTE,
   * PUBLIC_POSTS_PER_TOKEN_PER_MINUTE). Default: what the process environment says, else the configuration's
   * defaults (20 and 10).
   */
  readonly publicPostLimits?: {
    readonly perClientPerMinute?: number;
    readonly perTokenPerMinute?: number;
  };
}

export const handlerEnvironment = (settings: HandlerEnvironmentSettings): Record<string, string> => ({
  TABLE_NAME: settings.tableName ?? localTableName,
  PUBLIC_BASE_URL: settings.siteUrl,
  MAIL_FROM_ADDRESS: 'nieuws@dropin.example.org',
  MAIL_FROM_NAME: 'Drop In',
  TOKEN_SECRET: settings.tokenSecret,
  ...(settings.linkKeysFile !== undefined && { LINK_KEYS_FILE: settings.linkKeysFile }),
  AWS_REGION: localRegion,
  // Dummy credentials: DynamoDB Local (-sharedDb) and the SES emulator accept any (the local S3 server knows
  // this pair too), and a developer's own AWS profile must never be used by the offline twin.
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  DYNAMODB_ENDPOINT: settings.dynamoDbEndpoint,
  SES_ENDPOINT: settings.sesEndpoint,
  ...(settings.reportDocuments !== undefined && {
    S3_ENDPOINT: settings.reportDocuments.s3Endpoint,
    REPORT_DOCUMENTS_BUCKET: settings.reportDocuments.bucket,
  }),
  // The Vooruitblik's preview link goes to the local organiser (local/auth), whose mail the mailbox shows.
  ORGANISER_ALERT_ADDRESSES: defaultOrganiser.email,
  // One-time schedules live in the table; local/scheduler fires them (docs/architecture.md, "Schedules").
  SCHEDULER_MODE: 'table',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  SERVICE_NAME: 'dropin',
  LOG_LEVEL: settings.logLevel ?? 'INFO',
  ...(settings.publicPostLimits?.perClientPerMinute !== undefined && {
    PUBLIC_POSTS_PER_IP_PER_MINUTE: String(settings.publicPostLimits.perClientPerMinute),
  }),
  ...(settings.publicPostLimits?.perTokenPerMinute !== undefined && {
    PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: String(settings.publicPostLimits.perTokenPerMinute),
  }),
});

export const applyHandlerEnvironment = (settings: HandlerEnvironmentSettings): void => {
  Object.assign(process.env, handlerEnvironment(settings));
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.TOKEN_SECRET_ARN;
  delete process.env.LINK_KEYS_ARN;
  if (settings.linkKeysFile === undefined) delete process.env.LINK_KEYS_FILE;
  if (settings.reportDocuments === undefined) {
    delete process.env.S3_ENDPOINT;
    delete process.env.REPORT_DOCUMENTS_BUCKET;
  }
};

/**
 * Loads an entry's `handler`. The type parameter says what the caller's event source invokes it with: the
 * HTTP server the payload v2 handler (the default), the stream relay a stream handler.
 */
export type HandlerLoader = <Handler = LambdaHttpHandler>(entry: EntryName) => Promise<Handler>;

/**
 * Imports each entry's module on first use and keeps it, as a warm Lambda does. Lazy on purpose: handlers
 * read their configuration at module load, so the environment has to be set first.
 */
export const createHandlerLoader = (): HandlerLoader => {
  const modules = new Map<EntryName, Promise<unknown>>();
  return <Handler = LambdaHttpHandler>(entry: EntryName): Promise<Handler> => {
    let loading = modules.get(entry);
    if (!loading) {
      if (!process.env.TABLE_NAME) {
        return Promise.reject(
          new Error('Set the handler environment (applyHandlerEnvironment) before loading handlers'),
        );
      }
      const url = new URL(`../functions/${lambdaEntries[entry].file}`, import.meta.url).href;
      loading = import(url).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function')
          throw new Error(`functions/${lambdaEntries[entry].file} exports no handler`);
        return module.handler;
      });
      modules.set(entry, loading);
    }
    return loading as Promise<Handler>;
  };
};
