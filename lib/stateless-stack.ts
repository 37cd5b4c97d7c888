import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { outboxStreamFilter } from '../functions/adapters/dynamo/outbox';
import { tableDesign } from '../functions/adapters/dynamo/table-design';
import {
  defaultPublicPostsPerClientPerMinute,
  defaultPublicPostsPerTokenPerMinute,
} from '../functions/core/request-limits';
import { type EntryName, type LambdaEntry, lambdaEntries, soleEntryWithTrigger } from '../functions/entries';
import { fallbackEntry, type Route, routes } from '../functions/routes';
import type { AppFunction, AppResources } from './app-function';
import { HttpApi } from './http-api';
import { MailDeliveryAlarms } from './mail-delivery-alarms';
import { MailingSender } from './mailing-sender';
import { OutboxRelay } from './outbox-relay';
import { OutboxSweeper } from './outbox-sweeper';
import { RetentionJob } from './retention-job';
import { ScheduledJobs } from './scheduled-jobs';
import { SesEvents } from './ses-events';
import type { StageSettings } from './stage-settings';
import type { StatefulStack } from './stateful-stack';
import { VooruitblikJob } from './vooruitblik-job';

export interface StatelessStackProps extends StackProps {
  readonly settings: StageSettings;
  /** The table, mail identity, token key and user pool this stack's functions use. */
  readonly stateful: StatefulStack;
  /**
   * The rows of the route table this stack serves (the stage gives the organiser rows to the organiser API stack).
   * @default every row of functions/routes.ts
   */
  readonly routes?: readonly Route[];
  /**
   * The Lambda entries.
   * @default the ones in functions/entries.ts
   */
  readonly entries?: Readonly<Record<EntryName, LambdaEntry>>;
}

/**
 * The code: the HTTP API (with its public routes and their functions; the organiser routes are added by the
 * organiser API stack), mail delivery (the outbox relay on the table's stream, the sweeper every minute, the SES
 * events and the alarms on delivery), the mailing sender, the nightly retention job and the target of the
 * one-time schedules. Everything here can be replaced or destroyed and redeployed without losing data, because
 * the data (pending schedules included) lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  readonly httpApi: HttpApi;
  /** One per entry with `trigger: 'outbox-stream'`, by entry name. */
  readonly outboxRelays: ReadonlyMap<EntryName, OutboxRelay>;
  /** One per entry with `trigger: 'outbox-sweep'`, by entry name. */
  readonly outboxSweepers: ReadonlyMap<EntryName, OutboxSweeper>;
  /** One per entry with `trigger: 'ses-events'`, by entry name. */
  readonly sesEvents: ReadonlyMap<EntryName, SesEvents>;
  /** One per entry with `trigger: 'retention'` (the nightly job), by entry name. */
  readonly retentionJobs: ReadonlyMap<EntryName, RetentionJob>;
  /** One per entry with `trigger: 'vooruitblik'` (the monthly digest and its two schedules), by entry name. */
  readonly vooruitblikJobs: ReadonlyMap<EntryName, VooruitblikJob>;
  /** One per entry with `trigger: 'mailing-sender'` (every minute, one sender at a time), by entry name. */
  readonly mailingSenders: ReadonlyMap<EntryName, MailingSender>;
  /** The function the one-time schedules invoke (the entry with `trigger: 'schedule'`), its role and DLQ. */
  readonly scheduledJobs: ScheduledJobs;
  /** Failed mail and the oldest mail waiting, over every delivering function. */
  readonly mailDeliveryAlarms: MailDeliveryAlarms;
  /** Every function of the stack, exactly one per entry in use, by entry name. */
  readonly functions: ReadonlyMap<EntryName, AppFunction>;
  /** What every function's `needs` are granted on, scheduling included: for the functions of other stacks too. */
  readonly functionResources: AppResources;
  /** The config environment every function reads (functions/config.ts): for the functions of other stacks too. */
  readonly functionEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { settings, stateful } = props;

    const baseResources: AppResources = {
      table: stateful.table,
      tableIndexNames: tableDesign.globalIndexes.map((index) => index.indexName),
      mail: stateful.mail,
      mailFromAddress: settings.mailFromAddress,
      tokenSecret: stateful.tokenSecret,
      linkKeys: stateful.linkKeys,
      reportDocuments: stateful.reportDocuments,
    };

    // What functions/config.ts reads; every function gets all of it (the scheduler's part below), since config
    // is validated as a whole at load. An ARN or a name is no permission: the grants follow each entry's needs.
    const baseEnvironment: Record<string, string> = {
      TABLE_NAME: stateful.table.tableName,
      PUBLIC_BASE_URL: settings.publicBaseUrl,
      MAIL_FROM_ADDRESS: settings.mailFromAddress,
      MAIL_FROM_NAME: settings.mailFromName,
      ...(settings.mailReplyTo !== undefined && { MAIL_REPLY_TO: settings.mailReplyTo }),
      ...(settings.registrationRetentionDays !== undefined && {
        REGISTRATION_RETENTION_DAYS: String(settings.registrationRetentionDays),
      }),
      ...(settings.reportRequestRetentionDays !== undefined && {
        REPORT_REQUEST_RETENTION_DAYS: String(settings.reportRequestRetentionDays),
      }),
      ...(settings.auditRetentionDays !== undefined && {
        AUDIT_RETENTION_DAYS: String(settings.auditRetentionDays),
      }),
      REPORT_DOCUMENTS_BUCKET: stateful.reportDocuments.bucketName,
      SES_CONFIGURATION_SET: stateful.mail.configurationSet.configurationSetName,
      TOKEN_SECRET_ARN: stateful.tokenSecret.secretArn,
      LINK_KEYS_ARN: stateful.linkKeys.secretArn,
      ORGANISER_ALERT_ADDRESSES: settings.organiserAlertEmails.join(','),
      // The limits on public POSTs the functions count (docs/architecture.md, "Limits on public POSTs").
      PUBLIC_POSTS_PER_IP_PER_MINUTE: String(
        settings.publicPostsPerIpPerMinute ?? defaultPublicPostsPerClientPerMinute,
      ),
      PUBLIC_POSTS_PER_TOKEN_PER_MINUTE: String(
        settings.publicPostsPerTokenPerMinute ?? defaultPublicPostsPerTokenPerMinute,
      ),
    };

    const entries: Readonly<Record<EntryName, LambdaEntry>> = props.entries ?? lambdaEntries;

    // The config carries one SCHEDULER_TARGET_ARN: exactly one entry is what schedules invoke.
    const target = soleEntryWithTrigger('schedule', entries);
    this.scheduledJobs = new ScheduledJobs(this, `Schedule-${target}`, {
      entryName: target,
      entry: entries[target],
      scheduleGroupName: stateful.scheduleGroupName,
      resources: baseResources,
      environment: baseEnvironment,
      logRetention: settings.logRetentionDays,
      ...(settings.logLevel !== undefined && { logLevel: settings.logLevel }),
    });
    // The stateful stack holds the group; the stack dependency already orders the deploys (the table import).
    const resources: AppResources = { ...baseResources, scheduling: this.scheduledJobs.scheduling };
    const environment: Record<string, string> = { ...baseEnvironment, ...this.scheduledJobs.environment };
    this.functionResources = resources;
    this.functionEnvironment = environment;

    this.httpApi = new HttpApi(this, 'Http', {
      routes: props.routes ?? routes,
      fallbackEntry,
      entries,
      resources,
      environment,
      jwtIssuer: stateful.organisers.issuerUrl,
      jwtAudience: [stateful.organisers.client.userPoolClientId],
      logRetention: settings.logRetentionDays,
      ...(settings.logLevel !== undefined && { logLevel: settings.logLevel }),
      throttle: { rateLimit: settings.apiRateLimit ?? 50, burstLimit: settings.apiBurstLimit ?? 100 },
      limitedRouteThrottle: {
        rateLimit: settings.publicPostRateLimit ?? 25,
        burstLimit: settings.publicPostBurstLimit ?? 50,
      },
    });

    const common = {
      resources,
      environment,
      logRetention: settings.logRetentionDays,
      ...(settings.logLevel !== undefined && { logLevel: settings.logLevel }),
    };
    const outboxRelays = new Map<EntryName, OutboxRelay>();
    const outboxSweepers = new Map<EntryName, OutboxSweeper>();
    const sesEvents = new Map<EntryName, SesEvents>();
    const retentionJobs = new Map<EntryName, RetentionJob>();
    const mailingSenders = new Map<EntryName, MailingSender>();
    const vooruitblikJobs = new Map<EntryName, VooruitblikJob>();
    for (const [name, entry] of Object.entries(entries) as [EntryName, LambdaEntry][]) {
      switch (entry.trigger) {
        case 'outbox-stream': {
          const streamArn = stateful.table.tableStreamArn;
          if (!streamArn) throw new Error(`Entry ${name} reads the table's stream, but the table has none`);
          outboxRelays.set(
            name,
            new OutboxRelay(this, `Stream-${name}`, {
              entry,
              streamArn,
              filter: outboxStreamFilter,
              ...common,
            }),
          );
          break;
        }
        case 'outbox-sweep':
          outboxSweepers.set(name, new OutboxSweeper(this, `Sweep-${name}`, { entry, ...common }));
          break;
        case 'ses-events':
          sesEvents.set(
            name,
            new SesEvents(this, `SesEvents-${name}`, {
              entry,
              configurationSetName: stateful.mail.configurationSet.configurationSetName,
              ...common,
            }),
          );
          break;
        case 'retention':
          retentionJobs.set(name, new RetentionJob(this, `Retention-${name}`, { entry, ...common }));
          break;
        case 'mailing-sender':
          mailingSenders.set(name, new MailingSender(this, `MailingSender-${name}`, { entry, ...common }));
          break;
        case 'vooruitblik':
          vooruitblikJobs.set(name, new VooruitblikJob(this, `Vooruitblik-${name}`, { entry, ...common }));
          break;
        default:
          // Routes (the HTTP API above) and one-time schedules (the scheduled jobs above).
          break;
      }
    }
    this.outboxRelays = outboxRelays;
    this.outboxSweepers = outboxSweepers;
    this.sesEvents = sesEvents;
    this.retentionJobs = retentionJobs;
    this.mailingSenders = mailingSenders;
    this.vooruitblikJobs = vooruitblikJobs;

    const functions = new Map<EntryName, AppFunction>();
    const add = (name: EntryName, fn: AppFunction): void => {
      // An entry with a trigger and a route would run as two functions with two sets of alarms.
      if (functions.has(name))
        throw new Error(`Entry ${name} would get two functions (a route and a trigger)`);
      functions.set(name, fn);
    };
    for (const [name, fn] of this.httpApi.functions) add(name, fn);
    add(target, this.scheduledJobs.appFunction);
    for (const [name, relay] of outboxRelays) add(name, relay.appFunction);
    for (const [name, sweeper] of outboxSweepers) add(name, sweeper.appFunction);
    for (const [name, handler] of sesEvents) add(name, handler.appFunction);
    for (const [name, job] of retentionJobs) add(name, job.appFunction);
    for (const [name, sender] of mailingSenders) add(name, sender.appFunction);
    for (const [name, job] of vooruitblikJobs) add(name, job.appFunction);
    this.functions = functions;

    const logGroupsOf = (names: EntryName[]) =>
      Object.fromEntries(names.map((name) => [name, (functions.get(name) as AppFunction).logGroup]));
    this.mailDeliveryAlarms = new MailDeliveryAlarms(this, 'MailDelivery', {
      deliverers: logGroupsOf([...functions.keys()].filter((name) => entries[name].needs.delivers === true)),
      sweepers: logGroupsOf([...outboxSweepers.keys()]),
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'The HTTP API default stage; point the public domain (publicBaseUrl) here',
      value: this.httpApi.url,
    });
  }
}
