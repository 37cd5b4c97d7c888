import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import {
  createOrganiserAuth,
  type OrganiserAuth,
  type OrganiserTokenRequest,
} from '../../local/auth/organiser-auth';
import { createSigningKey } from '../../local/auth/signing-key';
import { newTokenSecret } from '../../local/data-dir';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { Mailbox } from '../../local/engines/ses-emulator';
import { createLocalApiServer } from '../../local/http/server';
import {
  applyHandlerEnvironment,
  createHandlerLoader,
  type HandlerEnvironmentSettings,
} from '../../local/runtime';
import { ensureTable } from '../../local/table';

export interface TestSystemOptions {
  /** POWERTOOLS_LOG_LEVEL of the handlers. Default WARN, so a passing run stays quiet. */
  readonly logLevel?: HandlerEnvironmentSettings['logLevel'];
  /** Receives the server's request lines and handler failures. Default: dropped. */
  readonly log?: (line: string) => void;
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
  /** The stand-in for Cognito and the JWT authorizer this system's server trusts. */
  readonly organiserAuth: OrganiserAuth;
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
  /** Closes the server and the clients and drops the table. */
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
 * run's SES emulator, and the local API server on a random port running the real handlers with the
 * environment `npm start` gives them (a fresh TOKEN_SECRET). Call it once per file, in `beforeAll`:
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

  const organiserAuth = createOrganiserAuth(createSigningKey());
  const server = createLocalApiServer({
    loadHandler: createHandlerLoader(),
    authorize: organiserAuth.authorize,
    log: options.log ?? (() => undefined),
  });
  const port = await listenOnFreePort(server);
  const baseUrl = `http://localhost:${port}`;
  // Before any handler is imported: the server imports them on their first request.
  applyHandlerEnvironment({
    siteUrl: baseUrl,
    dynamoDbEndpoint,
    sesEndpoint,
    tokenSecret: newTokenSecret(),
    tableName,
    logLevel: options.logLevel ?? 'WARN',
  });

  const signOrganiserToken = (request: Partial<OrganiserTokenRequest> = {}) =>
    organiserAuth.signOrganiserToken({ groups: ['organisers'], ...request });
  // 127.0.0.1 rather than localhost for the requests themselves: no IPv6 attempt first.
  const url = (path: string) => new URL(path, `http://127.0.0.1:${port}`);

  return {
    baseUrl,
    tableName,
    dynamoDbClient,
    documentClient,
    mailbox: new Mailbox(sesEndpoint),
    organiserAuth,
    signOrganiserToken,
    fetch: (path, init) => fetch(url(path), { redirect: 'manual', ...init }),
    fetchAsOrganiser: (path, init = {}, token = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${signOrganiserToken(token)}`);
      return fetch(url(path), { redirect: 'manual', ...init, headers });
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dynamoDbClient.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      dynamoDbClient.destroy();
    },
  };
};
