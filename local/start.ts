import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TableScheduler } from '../functions/adapters/dynamo/table-scheduler';
import { reportDocumentsClient } from '../functions/adapters/s3/report-documents';
import { ConfigError, loadConfig } from '../functions/config';
import { documentContentType } from '../functions/core/reports/documents';
import { createOrganiserAuth, defaultOrganiser } from './auth/organiser-auth';
import { loadOrCreateSigningKey } from './auth/signing-key';
import { dataPaths, loadOrCreateTokenSecret, recordRunning, resolveDataDir } from './data-dir';
import {
  checkJava,
  killDynamoDbLocalsNow,
  localAwsSettings,
  startDynamoDbLocal,
} from './engines/dynamodb-local';
import { assertPortFree, startPorts } from './engines/ports';
import { localReportDocumentsBucket, startS3Server } from './engines/s3';
import { defaultAccountSettings } from './engines/ses-allowance';
import type { SesEmulator } from './engines/ses-emulator';
import { startSesEmulatorProcess } from './engines/ses-emulator-process';
import { sesAccountPath, sesFaultsPath, startSesProxy } from './engines/ses-proxy';
import { createLocalApiServer } from './http/server';
import { watchLauncher } from './launcher-watch';
import { startOutboxRelay } from './relay/outbox-stream';
import { startOutboxSweeper } from './relay/outbox-sweep';
import { sesEventsTarget } from './relay/ses-events';
import { applyHandlerEnvironment, createHandlerLoader, localRegion, localTableName } from './runtime';
import { ensureRecurringSchedules } from './scheduler/recurring';
import { startRetentionJob } from './scheduler/retention-job';
import { startScheduleRunner } from './scheduler/runner';
import { seedDemoData } from './seed';
import { startMailingSender } from './sender/mailing-sender';
import { LocalSetupError, PortInUse } from './setup-errors';
import { ensureTable } from './table';

// The SDK warns about Node 20 on its first client; the pinned versions are known to work (docs/architecture.md, "The offline twin").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * `npm start`: the offline twin. Starts DynamoDB Local (persisted in the data folder), the SES emulator (a
 * process of its own, its mailbox journalled in the data folder) and the local S3 server for reports' PDFs (a
 * process of its own, its objects in the data folder), makes the table, seeds the demo once,
 * writes an organiser token, starts the outbox relay on the table's stream and the local scheduler, and only
 * then opens the site, so no mail a page writes waits for a relay still starting. Every child stops on
 * Ctrl-C, SIGTERM and SIGHUP, and when start-up fails half-way.
 */

const portFrom = (variable: string, fallback: number): number => {
  const text = process.env[variable];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LocalSetupError(`${variable}=${text} is not a port number (1-65535).`);
  }
  return port;
};

/** A positive number from the environment (a limit of the SES allowance), or the fallback. */
const limitFrom = (variable: string, fallback: number, { allowUnlimited = false } = {}): number => {
  const text = process.env[variable];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(Number.isFinite(value) && (value > 0 || (allowUnlimited && value === -1)))) {
    throw new LocalSetupError(
      `${variable}=${text} is not a positive number${allowUnlimited ? ' (or -1 for no limit)' : ''}.`,
    );
  }
  return value;
};

const organiserTokenTtlSeconds = 12 * 3600;

/**
 * What to stop; filled as things start, so a failure half-way stops what did start. The engines (DynamoDB
 * Local, the SES emulator, the S3 server) stop last, newest first; what runs on them (the site, the relay,
 * the sweeper, the scheduler, the SES proxy) stops first, all at once, so their waits for work in progress do
 * not add up.
 */
const running: Array<() => Promise<void>> = [];
const runningOnEngines: Array<() => Promise<void>> = [];
let shuttingDown = false;
/** How long what runs on the engines may take to finish its work in progress when stopping. */
const consumersGraceMs = 4_000;

const shutDown = async (exitCode: number): Promise<never> => {
  if (!shuttingDown) {
    shuttingDown = true;
    // Work in progress gets a bounded grace: a handler still running after it fails against stopped engines
    // and is retried after the next start (the outbox and the schedules are in the table), while a shutdown
    // that waited on it could outlast whoever sent the signal and leave the JVM behind.
    await Promise.race([
      Promise.allSettled(runningOnEngines.map((stop) => stop())),
      new Promise((resolve) => setTimeout(resolve, consumersGraceMs).unref()),
    ]);
    for (const stop of running.reverse()) await stop().catch(() => undefined);
  }
  process.exit(exitCode);
};

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (shuttingDown) {
      // A second Ctrl-C: do not wait for a graceful stop.
      process.exit(1);
    }
    console.log(`\nStopping (${signal}) …`);
    void shutDown(0);
  });
}
watchLauncher(() => {
  console.log('\nStopping (the process that started this one is gone) …');
  void shutDown(0);
});
// Whatever ends this process, no JVM may outlive it, not even one still starting.
process.on('exit', killDynamoDbLocalsNow);
process.on('uncaughtException', (error) => {
  console.error(error);
  void shutDown(1);
});

const listen = (server: Server, port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUse(port, 'site', 'PORT') : error),
    );
    server.listen(port, host, () => resolve());
  });

const start = async (): Promise<void> => {
  const sitePort = portFrom('PORT', startPorts.site);
  const dynamoDbPort = portFrom('DROPIN_DYNAMODB_PORT', startPorts.dynamoDb);
  const sesPort = portFrom('DROPIN_SES_PORT', startPorts.ses);
  const sesProxyPort = portFrom('DROPIN_SES_PROXY_PORT', startPorts.sesProxy);
  const s3Port = portFrom('DROPIN_S3_PORT', startPorts.s3);
  const dataDir = resolveDataDir();
  const paths = dataPaths(dataDir);

  // The site opens last; check its port first, so a taken port fails before anything starts.
  await assertPortFree(sitePort, '127.0.0.1', 'site', 'PORT');

  await checkJava();
  console.log(`Starting DynamoDB Local on port ${dynamoDbPort} (data in ${paths.dynamoDb}) …`);
  const dynamoDb = await startDynamoDbLocal({
    port: dynamoDbPort,
    dbPath: paths.dynamoDb,
    portVariable: 'DROPIN_DYNAMODB_PORT',
  });
  running.push(() => dynamoDb.stop());

  // In a process of its own, journalling every mail it accepts to the data folder: the mailbox survives a
  // restart, and a sender that dies cannot take it along.
  const mailJournal = join(dataDir, 'mail-journal.jsonl');
  const ses: SesEmulator = await startSesEmulatorProcess({
    port: sesPort,
    portVariable: 'DROPIN_SES_PORT',
    journalFile: mailJournal,
  });
  running.push(() => ses.stop());

  const siteUrl = `http://localhost:${sitePort}`;
  // Reports' PDFs (docs/architecture.md, "Report documents (PDFs)"): the site's pages post uploads to it.
  const s3 = await startS3Server({
    port: s3Port,
    portVariable: 'DROPIN_S3_PORT',
    directory: paths.s3,
    buckets: [localReportDocumentsBucket],
    corsOrigins: [siteUrl, `http://127.0.0.1:${sitePort}`],
  });
  running.push(() => s3.stop());

  // One loader for the site, the relay, the sweeper and the SES events: one module instance per entry, as
  // one warm Lambda each. Handlers load lazily, after the environment below is set.
  const loadHandler = createHandlerLoader();
  // The functions send through the proxy: SES's events (sends, deliveries, bounces, complaints) and, on
  // request, its errors; the mailbox page stays the emulator's.
  await assertPortFree(sesProxyPort, '127.0.0.1', 'SES proxy', 'DROPIN_SES_PROXY_PORT');
  const sesProxy = await startSesProxy({
    upstream: ses.endpoint,
    port: sesProxyPort,
    publish: sesEventsTarget(loadHandler, (line) => console.error(`SES events: ${line}`)),
    log: (line) => console.error(`SES proxy: ${line}`),
    // SES's allowance of a new production account, unless set otherwise.
    allowance: {
      maxSendRate: limitFrom('DROPIN_SES_RATE', defaultAccountSettings.maxSendRate),
      max24HourSend: limitFrom('DROPIN_SES_DAILY_QUOTA', defaultAccountSettings.max24HourSend, {
        allowUnlimited: true,
      }),
    },
  });
  // Events still queued when stopping get 3 s to reach their function: a shutdown must not hang on them.
  runningOnEngines.push(() =>
    Promise.race([sesProxy.stop(), new Promise<void>((resolve) => setTimeout(resolve, 3_000))]),
  );

  applyHandlerEnvironment({
    siteUrl,
    dynamoDbEndpoint: dynamoDb.endpoint,
    sesEndpoint: sesProxy.endpoint,
    tokenSecret: loadOrCreateTokenSecret(dataDir),
    linkKeysFile: dataPaths(dataDir).linkKeys,
    reportDocuments: { s3Endpoint: s3.endpoint, bucket: localReportDocumentsBucket },
  });
  // The handlers read the rest from this process's environment, as PUBLIC_POSTS_PER_IP_PER_MINUTE: checked now,
  // so a malformed setting stops the start with its name instead of failing the first form.
  const limits = (() => {
    try {
      return loadConfig(process.env);
    } catch (error) {
      if (error instanceof ConfigError) throw new LocalSetupError(error.message);
      throw error;
    }
  })();

  const client = new DynamoDBClient({ ...localAwsSettings, endpoint: dynamoDb.endpoint });
  running.push(async () => client.destroy());
  const table = await ensureTable(client, localTableName);
  const documents = reportDocumentsClient({ region: localRegion, endpoint: s3.endpoint });
  running.push(async () => documents.destroy());
  const seed = await seedDemoData(
    DynamoDBDocumentClient.from(client),
    localTableName,
    new Date(),
    (key, content) =>
      documents
        .send(
          new PutObjectCommand({
            Bucket: localReportDocumentsBucket,
            Key: key,
            Body: content,
            ContentType: documentContentType,
          }),
        )
        .then(() => undefined),
  );
  console.log(`Table ${localTableName}: ${table}; demo data: ${seed}.`);

  const organiserAuth = createOrganiserAuth(loadOrCreateSigningKey(dataDir));
  const token = organiserAuth.signOrganiserToken({
    groups: ['organisers'],
    ttlSeconds: organiserTokenTtlSeconds,
  });
  writeFileSync(paths.organiserToken, `${token}\n`, { mode: 0o600 });

  const outboxRelay = await startOutboxRelay({
    endpoint: dynamoDb.endpoint,
    tableName: localTableName,
    loadHandler,
    log: (line) => console.error(`Outbox relay: ${line}`),
  });
  runningOnEngines.push(() => outboxRelay.stop());
  // What the stream misses, postponed mail and deliveries in doubt: every 15 s here, every minute in AWS.
  const outboxSweeper = startOutboxSweeper({
    loadHandler,
    log: (line) => console.error(`Outbox sweeper: ${line}`),
  });
  runningOnEngines.push(() => outboxSweeper.stop());

  // Schedules live in the table: any that fell due while nothing ran fire now, the rest at their time. The
  // recurring ones (the Vooruitblik's) are written the first time and kept across restarts.
  await ensureRecurringSchedules(
    new TableScheduler(DynamoDBDocumentClient.from(client), localTableName),
    new Date(),
  );
  const scheduleRunner = await startScheduleRunner({
    endpoint: dynamoDb.endpoint,
    tableName: localTableName,
    loadHandler,
    // How often it looks for due schedules: 1 s unless set (a test of a schedule's time sets it shorter).
    pollIntervalMs: limitFrom('DROPIN_SCHEDULER_POLL_MS', 1_000),
    log: (line) => console.error(`Scheduler: ${line}`),
  });
  runningOnEngines.push(() => scheduleRunner.stop());
  // The mailing sender, in a process of its own as a Lambda is (docs/architecture.md, "Sending a mailing"):
  // it keeps its place in the table, so stopping or killing it loses nothing.
  const mailingSender = await startMailingSender(
    {},
    { log: (line) => console.error(`Mailing sender: ${line}`) },
  );
  runningOnEngines.push(() => mailingSender.stop());
  // The nightly retention job (docs/architecture.md, "Retention"): shortly after start, then daily.
  const retentionJob = startRetentionJob({
    loadHandler,
    log: (line) => console.error(`Retention: ${line}`),
  });
  runningOnEngines.push(async () => retentionJob.stop());

  const server = createLocalApiServer({
    loadHandler,
    authorize: organiserAuth.authorize,
  });
  await listen(server, sitePort, '127.0.0.1');
  // The local commands find this data folder through the site port (npm run local -- token, fire, …).
  const forgetRunning = recordRunning(sitePort, dataDir);
  running.push(async () => forgetRunning());
  runningOnEngines.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );

  console.log(
    [
      '',
      'Drop In runs offline.',
      `  Site:             ${siteUrl}/`,
      `  API docs:         ${siteUrl}/api/docs   (every route; the OpenAPI 3.1 document at ${siteUrl}/api/openapi.json)`,
      `  Mailbox:          ${ses.endpoint}/   (every mail the site sends; kept in ${mailJournal})`,
      `  Organiser token:  ${paths.organiserToken}   (${defaultOrganiser.email}, group organisers, valid 12 h;`,
      '                    another: npm run -s local -- token; --group admins for the audit trail and suppressions)',
      `  Try:              curl -H "Authorization: Bearer $(cat '${paths.organiserToken}')" ${siteUrl}/api/organiser/me`,
      '  Schedules:        fire at their time (reminders, scheduled mailings and reports); npm run -s local -- fire <name> fires one now',
      '  Vooruitblik:      the first Monday of the month; npm run -s local -- fire vooruitblik drafts or sends it now',
      '  Outbox:           npm run -s local -- outbox   (mail waiting, postponed or failed)',
      `  SES faults:       ${sesProxy.endpoint}${sesFaultsPath}   (POST {"error":"ServiceUnavailable","share":0.05})`,
      `  SES allowance:    ${sesProxy.allowance?.settings.maxSendRate}/s, ${sesProxy.allowance?.settings.max24HourSend} a day   (${sesProxy.endpoint}${sesAccountPath}; DROPIN_SES_RATE, DROPIN_SES_DAILY_QUOTA)`,
      `  Report PDFs:      ${s3.endpoint}/${localReportDocumentsBucket}   (local S3; kept in ${paths.s3})`,
      `  Public POSTs:     ${limits.PUBLIC_POSTS_PER_IP_PER_MINUTE} a minute per client, ${limits.PUBLIC_POSTS_PER_TOKEN_PER_MINUTE} per link   (PUBLIC_POSTS_PER_IP_PER_MINUTE, PUBLIC_POSTS_PER_TOKEN_PER_MINUTE)`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
};

start().catch(async (error: unknown) => {
  if (error instanceof LocalSetupError) console.error(`Cannot start: ${error.message}`);
  else console.error(error);
  await shutDown(1);
});
