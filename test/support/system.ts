import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { inject } from 'vitest';
import { DynamoOutboxLedger } from '../../functions/adapters/dynamo/outbox-ledger';
import { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import type { SweepSummary } from '../../functions/handlers/outbox-sweeper';
import { isAuditedRoute, routeKey } from '../../functions/routes';
import {
  createOrganiserAuth,
  type OrganiserAuth,
  type OrganiserTokenRequest,
} from '../../local/auth/organiser-auth';
import { createSigningKey } from '../../local/auth/signing-key';
import { newTokenSecret } from '../../local/data-dir';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import type { AccountSettings } from '../../local/engines/ses-allowance';
import { Mailbox } from '../../local/engines/ses-emulator';
import { type SesProxy, startSesProxy } from '../../local/engines/ses-proxy';
import { createLocalApiServer } from '../../local/http/server';
import { type OutboxRelay, startOutboxRelay } from '../../local/relay/outbox-stream';
import { invokeOutboxSweep, type OutboxSweeper, startOutboxSweeper } from '../../local/relay/outbox-sweep';
import { sesEventsTarget } from '../../local/relay/ses-events';
import {
  applyHandlerEnvironment,
  createHandlerLoader,
  type HandlerEnvironmentSettings,
} from '../../local/runtime';
import { type ScheduleRunner, startScheduleRunner } from '../../local/scheduler/runner';
import { ensureTable } from '../../local/table';
import { createContractCheck } from './contract';

export interface TestSystemOptions {
  /** The link keyring's file (LINK_KEYS_FILE), read at every use as offline; default none (the legacy key signs). */
  readonly linkKeysFile?: string;
  /** The local S3 server and bucket of reports' PDFs (a test that needs them starts one); default none. */
  readonly reportDocuments?: HandlerEnvironmentSettings['reportDocuments'];
  /** LOG_LEVEL of the handlers. Default WARN, so a passing run stays quiet. */
  readonly logLevel?: HandlerEnvironmentSettings['logLevel'];
  /** Receives the server's request lines, handler failures and the relay's retries. Default: dropped. */
  readonly log?: (line: string) => void;
  /** Whether the outbox relay runs from the start. Default true; `outboxRelay.start()` starts it later. */
  readonly outboxRelay?: boolean;
  /** Whether the local scheduler runs from the start. Default true; `scheduleRunner.start()` starts it later. */
  readonly scheduleRunner?: boolean;
  /** How often the local scheduler looks for due schedules. Default 250 ms (npm start: 1 s). */
  readonly schedulePollIntervalMs?: number;
  /** Whether the outbox sweeper runs from the start. Default true. */
  readonly outboxSweeper?: boolean;
  /** Pause between sweeps. Default 1 s (npm start: 15 s; AWS: a minute). */
  readonly outboxSweepIntervalMs?: number;
  /** The SES emulator the proxy forwards to. Default the run's shared one (its mailbox in memory). */
  readonly sesUpstream?: string;
  /** The SES account's allowance the proxy enforces (ses-allowance.ts). Default none: nothing limited. */
  readonly sesAllowance?: Partial<AccountSettings>;
  /**
   * Public POSTs admitted per client and per link token a minute (docs/architecture.md, "Limits on public
   * POSTs"). Default 10,000 each: every request of a test file comes from one client, 127.0.0.1, so
   * `npm start`'s 20 would make a file's count of forms, not its subject, decide; the limits' own tests and
   * the race set theirs.
   */
  readonly publicPostLimits?: HandlerEnvironmentSettings['publicPostLimits'];
}

/** A local stand-in for an AWS trigger (the stream event source mapping, the scheduler), under the test's control. */
export interface TestTrigger {
  /** Starts it fresh, as a restarted process would (the relay reads the stream from its oldest record). */
  start(): Promise<void>;
  /** Stops it; an invocation in progress finishes first. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/** The outbox relay under the test's control. */
export interface TestOutboxRelay extends TestTrigger {
  /** From now on, stream records for which this is true never reach the relay (undefined: none). */
  lose(predicate: ((record: DynamoDBRecord) => boolean) | undefined): void;
}

/** The outbox sweeper under the test's control. */
export interface TestOutboxSweeper extends TestTrigger {
  /** One sweep now (after one in progress), whether or not the sweeper runs on its timer. */
  sweepNow(): Promise<SweepSummary>;
}

export interface TestSystem {
  /** The local API, e.g. `http://localhost:41235`; also the handlers' PUBLIC_BASE_URL. */
  readonly baseUrl: string;
  /** A fresh table of this test file, built from tableDesign. */
  readonly tableName: string;
  readonly dynamoDbClient: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** The run's shared SES inbox: filter by this test's recipients, never clear it (files run in parallel). */
  readonly mailbox: Mailbox;
  /**
   * This file's SES, as the handlers see it: a proxy in front of the run's emulator that emits SES's events
   * to the sesEvents handler and injects SES's errors on request (`sesProxy.faults`), for this file only.
   */
  readonly sesProxy: SesProxy;
  /** The delivery state of this table's outbox entries. */
  readonly outboxLedger: DynamoOutboxLedger;
  /** Delivers what is due and missed (the recurring sweep), as under `npm start`. */
  readonly outboxSweeper: TestOutboxSweeper;
  /** Resolves once no outbox entry is waiting (every mail and job written so far has been delivered). */
  outboxSettled(timeoutMs?: number): Promise<void>;
  /** The stand-in for Cognito and the JWT authorizer this system's server trusts. */
  readonly organiserAuth: OrganiserAuth;
  /** Delivers the outbox mails the handlers write (the table's stream → the outboxRelay handler). */
  readonly outboxRelay: TestOutboxRelay;
  /** Fires the schedules the handlers write (the local scheduler, as under `npm start`). */
  readonly scheduleRunner: TestTrigger;
  /** The schedules of this system's table, as the handlers' Scheduler port writes them. */
  readonly schedules: TableScheduler;
  /** A token the server accepts; default groups `['organisers']`. */
  signOrganiserToken(request?: Partial<OrganiserTokenRequest>): string;
  /** `fetch` on a path of the local API. Redirects are not followed, so tests see the 30x itself. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** As `fetch`, with `Authorization: Bearer <token>` for an organiser (default groups `['organisers']`). */
  fetchAsOrganiser(
    path: string,
    init?: RequestInit,
    token?: Partial<OrganiserTokenRequest>,
  ): Promise<Response>;
  /**
   * The organiser writes this system answered with 2xx that do not have exactly one audit entry naming the
   * organiser, the route and the versions (core/organisers/audit.ts): empty when every one has. `stop()`
   * fails the file unless it is empty, so every organiser write of every integration test is checked.
   */
  auditGaps(): Promise<string[]>;
  /**
   * The answers so far that break the OpenAPI document (functions/contract/openapi.json): a status, media
   * type or body it does not describe. `stop()` fails on any.
   */
  contractBreaches(): string[];
  /** Stops the relay, closes the server and the clients and drops the table. */
  stop(): Promise<void>;
}

let startedInThisFile = false;

const listenOnFreePort = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

/**
 * The whole offline system for one integration test file: a fresh table in the run's DynamoDB Local, the
 * run's SES emulator, the local API server on a random port running the real handlers with the
 * environment `npm start` gives them (a fresh TOKEN_SECRET), the outbox relay on the table's stream, so
 * mail written to the outbox arrives in the emulator as it does under `npm start`, and the local scheduler,
 * so schedules the handlers write fire at their time. Call it once per file, in `beforeAll`:
 * handlers read their configuration when first imported, and vitest gives each file fresh modules.
 */
export const startTestSystem = async (options: TestSystemOptions = {}): Promise<TestSystem> => {
  if (startedInThisFile) {
    throw new Error(
      'startTestSystem() runs once per test file: the handlers keep the configuration of the first',
    );
  }
  startedInThisFile = true;

  const tableName = `dropin-test-${randomUUID().slice(0, 8)}`;
  const dynamoDbEndpoint = inject('dynamoDbEndpoint');
  const sesEndpoint = inject('sesEndpoint');
  const dynamoDbClient = new DynamoDBClient({ ...localAwsSettings, endpoint: dynamoDbEndpoint });
  const documentClient = DynamoDBDocumentClient.from(dynamoDbClient);
  await ensureTable(dynamoDbClient, tableName);

  const log = options.log ?? (() => undefined);
  const organiserAuth = createOrganiserAuth(createSigningKey());
  // One loader for the server and the relay: one module instance per entry, as one warm Lambda each.
  const loadHandler = createHandlerLoader();
  /** The audited requests answered with 2xx: each must have its audit entry. */
  const organiserWrites: { requestId: string; routeKey: string }[] = [];
  /** Every audited request, however answered: an entry of anything else leaked from somewhere. */
  const auditedRequests = new Set<string>();
  /** Answers that are not as the OpenAPI document says (test/support/contract.ts): none, at `stop()`. */
  const contractBreaches: string[] = [];
  const checkContract = createContractCheck();
  const server = createLocalApiServer({
    loadHandler,
    authorize: organiserAuth.authorize,
    log,
    onReply: (exchange) => {
      const { route, requestId, statusCode } = exchange;
      if (route) contractBreaches.push(...checkContract({ ...exchange, route }));
      if (route && isAuditedRoute(route)) auditedRequests.add(requestId);
      if (route && isAuditedRoute(route) && statusCode < 300) {
        organiserWrites.push({ requestId, routeKey: routeKey(route) });
      }
    },
  });
  const port = await listenOnFreePort(server);
  const baseUrl = `http://localhost:${port}`;
  const sesProxy = await startSesProxy({
    upstream: options.sesUpstream ?? sesEndpoint,
    port: 0,
    publish: sesEventsTarget(loadHandler, log),
    ...(options.sesAllowance ? { allowance: options.sesAllowance } : {}),
    log,
  });
  // Before any handler is imported: the server imports them on their first request.
  applyHandlerEnvironment({
    siteUrl: baseUrl,
    dynamoDbEndpoint,
    sesEndpoint: sesProxy.endpoint,
    tokenSecret: newTokenSecret(),
    ...(options.linkKeysFile !== undefined && { linkKeysFile: options.linkKeysFile }),
    ...(options.reportDocuments !== undefined && { reportDocuments: options.reportDocuments }),
    tableName,
    logLevel: options.logLevel ?? 'WARN',
    publicPostLimits: { perClientPerMinute: 10_000, perTokenPerMinute: 10_000, ...options.publicPostLimits },
  });

  let relay: Promise<OutboxRelay> | undefined;
  let lose: ((record: DynamoDBRecord) => boolean) | undefined;
  const outboxRelay: TestOutboxRelay = {
    lose: (predicate) => {
      lose = predicate;
    },
    start: async () => {
      if (relay) throw new Error('The outbox relay is running already');
      relay = startOutboxRelay({
        endpoint: dynamoDbEndpoint,
        tableName,
        loadHandler,
        log,
        lose: (record) => lose?.(record) ?? false,
      });
      await relay.catch((error: unknown) => {
        relay = undefined;
        throw error;
      });
    },
    stop: async () => {
      const stopping = relay;
      relay = undefined;
      await (await stopping?.catch(() => undefined))?.stop();
    },
    get running() {
      return relay !== undefined;
    },
  };
  if (options.outboxRelay ?? true) await outboxRelay.start();

  let runner: Promise<ScheduleRunner> | undefined;
  const scheduleRunner: TestTrigger = {
    start: async () => {
      if (runner) throw new Error('The schedule runner is running already');
      runner = startScheduleRunner({
        endpoint: dynamoDbEndpoint,
        tableName,
        loadHandler,
        pollIntervalMs: options.schedulePollIntervalMs ?? 250,
        log,
      });
      await runner.catch((error: unknown) => {
        runner = undefined;
        throw error;
      });
    },
    stop: async () => {
      const stopping = runner;
      runner = undefined;
      await (await stopping?.catch(() => undefined))?.stop();
    },
    get running() {
      return runner !== undefined;
    },
  };
  if (options.scheduleRunner ?? true) await scheduleRunner.start();

  let sweeper: OutboxSweeper | undefined;
  const outboxSweeper: TestOutboxSweeper = {
    start: async () => {
      if (sweeper) throw new Error('The outbox sweeper is running already');
      sweeper = startOutboxSweeper({ loadHandler, intervalMs: options.outboxSweepIntervalMs ?? 1_000, log });
    },
    stop: async () => {
      const stopping = sweeper;
      sweeper = undefined;
      await stopping?.stop();
    },
    sweepNow: () => (sweeper ? sweeper.sweepNow() : invokeOutboxSweep(loadHandler)),
    get running() {
      return sweeper !== undefined;
    },
  };
  if (options.outboxSweeper ?? true) await outboxSweeper.start();

  const outboxLedger = new DynamoOutboxLedger(documentClient, tableName);
  const signOrganiserToken = (request: Partial<OrganiserTokenRequest> = {}) =>
    organiserAuth.signOrganiserToken({ groups: ['organisers'], ...request });
  // 127.0.0.1 rather than localhost for the requests themselves: no IPv6 attempt first.
  const url = (path: string) => new URL(path, `http://127.0.0.1:${port}`);

  return {
    baseUrl,
    tableName,
    dynamoDbClient,
    documentClient,
    mailbox: new Mailbox(options.sesUpstream ?? sesEndpoint),
    sesProxy,
    outboxLedger,
    outboxSweeper,
    outboxSettled: async (timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while ((await outboxLedger.list('pending', 1)).length > 0) {
        if (Date.now() > deadline) throw new Error(`The outbox did not settle within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    organiserAuth,
    outboxRelay,
    scheduleRunner,
    schedules: new TableScheduler(documentClient, tableName),
    signOrganiserToken,
    fetch: (path, init) => fetch(url(path), { redirect: 'manual', ...init }),
    fetchAsOrganiser: (path, init = {}, token = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${signOrganiserToken(token)}`);
      return fetch(url(path), { redirect: 'manual', ...init, headers });
    },
    contractBreaches: () => [...contractBreaches],
    auditGaps: () => auditGapsOf(documentClient, tableName, organiserWrites, auditedRequests),
    stop: async () => {
      const gaps = await auditGapsOf(documentClient, tableName, organiserWrites, auditedRequests).catch(
        (error: unknown) => [`the audit trail could not be read: ${String(error)}`],
      );
      await outboxSweeper.stop();
      await scheduleRunner.stop();
      await outboxRelay.stop();
      await sesProxy.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dynamoDbClient.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      dynamoDbClient.destroy();
      // Both checks at once: one failing must not hide the other.
      const failures = [
        ...(gaps.length > 0 ? [`Organiser writes without their one audit entry:\n${gaps.join('\n')}`] : []),
        ...(contractBreaches.length > 0
          ? [
              `Answers that break the contract (functions/contract):\n${[...new Set(contractBreaches)].join('\n')}`,
            ]
          : []),
      ];
      if (failures.length > 0) throw new Error(failures.join('\n\n'));
    },
  };
};

/** Each organiser write's audit entries, by the request that wrote them: exactly one, naming who and what. */
const auditGapsOf = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  writes: readonly { requestId: string; routeKey: string }[],
  auditedRequests: ReadonlySet<string>,
): Promise<string[]> => {
  const entries: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        FilterExpression: 'entity = :entry',
        ExpressionAttributeValues: { ':entry': 'AuditEntry' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    entries.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  // An entry no audited request wrote: a public route, a job or SES's events audited by mistake.
  const strays = entries
    .filter((entry) => !auditedRequests.has(String(entry.requestId)))
    .map(
      (entry) => `${String(entry.action)} (${String(entry.requestId)}): an entry no audited request wrote`,
    );
  return [
    ...strays,
    ...writes.flatMap(({ requestId, routeKey: key }) => {
      const mine = entries.filter((entry) => entry.requestId === requestId);
      const [entry] = mine;
      if (mine.length !== 1 || !entry) return [`${key} (${requestId}): ${mine.length} entries`];
      const actor = entry.actor as { subject?: unknown } | undefined;
      const complete =
        entry.action === key &&
        typeof actor?.subject === 'string' &&
        actor.subject.length > 0 &&
        'versionBefore' in entry &&
        'versionAfter' in entry &&
        Array.isArray(entry.changes);
      return complete ? [] : [`${key} (${requestId}): incomplete entry ${JSON.stringify(entry)}`];
    }),
  ];
};
