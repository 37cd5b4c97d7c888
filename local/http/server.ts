import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { EntryName } from '../../functions/entries';
import {
  fallbackEntry as defaultFallbackEntry,
  isOrganiserRoute,
  type Route,
  routeKey,
  routes as routeTable,
} from '../../functions/routes';
import type { ApiGatewayJwtClaims } from '../auth/organiser-auth';
import { buildHttpApiEvent, newApiGatewayRequestId, requestTarget } from './api-gateway-event';
import { createLambdaContext, entryTimeoutMs } from './lambda-context';
import { matchRoute, type RouteMatch } from './route-match';

/** A Lambda entry's `handler` as the HTTP API invokes it. */
export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface LocalApiServerOptions {
  /** Imports an entry's handler; called per request, so the caller caches. */
  readonly loadHandler: (entry: EntryName) => Promise<LambdaHttpHandler>;
  /** API Gateway's JWT authorizer: the claims, or null for a 401. Run on `organiser` routes only. */
  readonly authorize: (authorizationHeader: string | undefined) => ApiGatewayJwtClaims | null;
  /** One line per request. Default console.log. */
  readonly log?: (line: string) => void;
  /** Default: the route table of functions/routes.ts. */
  readonly routes?: readonly Route[];
  readonly fallbackEntry?: EntryName;
  /** The region in the Lambda context's ARN. Default eu-west-1. */
  readonly region?: string;
  /** Told of every answer, with the route it came from (tests check the contract and the audit trail). */
  readonly onReply?: (exchange: LocalExchange) => void;
}

/** One request and its answer, as the server saw them. */
export interface LocalExchange {
  readonly requestId: string;
  readonly method: string;
  readonly rawPath: string;
  /** The route it matched; undefined for `$default`. */
  readonly route?: Route;
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

/** API Gateway accepts request bodies up to 10 MB. */
export const maxRequestBytes = 10 * 1024 * 1024;
/** A synchronous Lambda invocation carries at most 6 MB of event. */
const maxInvocationBytes = 6 * 1024 * 1024;
/** Past this, a refused body is no longer drained but the connection cut. */
const maxDrainBytes = 64 * 1024 * 1024;

const apiGatewayMessage = (message: string) => JSON.stringify({ message });

class RequestTooLarge extends Error {}

const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(request.headers['content-length'] ?? 0) > maxRequestBytes;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxRequestBytes) tooLarge = true;
      // Drain what the client still sends, so it reads our 413 instead of a reset connection.
      if (tooLarge) {
        if (size > maxDrainBytes) request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => (tooLarge ? reject(new RequestTooLarge()) : resolve(Buffer.concat(chunks))));
    request.on('error', reject);
  });

const sourceIpOf = (request: IncomingMessage): string =>
  (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

/** Keeps addresses out of the console even when an error message carries one (docs/architecture.md, "Privacy"). */
const redactAddresses = (text: string): string => text.replace(/[^\s<>"'@]+@[^\s<>"'@]+/g, '[address]');

interface Reply {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

const apiGatewayError = (statusCode: number, message: string): Reply => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(apiGatewayMessage(message)),
});

/**
 * How an HTTP API turns a payload 2.0 Lambda result into a response: a result with `statusCode` is used as
 * is (`cookies` become Set-Cookie headers, a base64 body is decoded); any other valid JSON result (a plain
 * object, a string) is sent as a 200 application/json body; a malformed one becomes a 500.
 */
const replyFromResult = (result: APIGatewayProxyResultV2): Reply => {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(result ?? null)),
    };
  }
  const { statusCode, headers = {}, cookies = [], body, isBase64Encoded } = result;
  if (!Number.isInteger(statusCode) || (statusCode ?? 0) < 100 || (statusCode ?? 0) > 599) {
    throw new Error(`The handler returned an invalid statusCode: ${String(statusCode)}`);
  }
  const replyHeaders: Record<string, string | string[]> = {};
  const setCookies: string[] = [...cookies];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'set-cookie') setCookies.push(String(value));
    else replyHeaders[name.toLowerCase()] = String(value);
  }
  if (setCookies.length > 0) replyHeaders['set-cookie'] = setCookies;
  return {
    statusCode: statusCode ?? 200,
    headers: replyHeaders,
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'),
  };
};

const withTimeout = <T>(work: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

/**
 * The offline stand-in for the HTTP API: matches the request against the one route table (exact method;
 * `{name}` and `{name+}` templates; anything else goes to the `$default` route), runs the JWT authorizer on
 * organiser routes, builds the exact payload 2.0 event and invokes the same handler module Lambda runs.
 * API Gateway's own answers are mimicked: 401 `{"message":"Unauthorized"}`, 413 `{"message":"Request Entity
 * Too Large"}`, and 500 `{"message":"Internal Server Error"}` for a handler that throws or times out.
 */
export const createLocalApiServer = (options: LocalApiServerOptions): Server => {
  const log = options.log ?? ((line: string) => console.log(line));
  const routes = options.routes ?? routeTable;
  const fallbackEntry = options.fallbackEntry ?? defaultFallbackEntry;
  const region = options.region ?? 'eu-west-1';

  const respond = async (
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
  ): Promise<Reply> => {
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const { rawPath } = requestTarget(url);
    const match = matchRoute(routes, method, rawPath);
    const reply = await answer(request, response, requestId, method, url, match);
    options.onReply?.({
      requestId,
      method,
      rawPath,
      ...(match ? { route: match.route } : {}),
      statusCode: reply.statusCode,
      headers: reply.headers,
      body: reply.body,
    });
    return reply;
  };

  const answer = async (
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
    method: string,
    url: string,
    match: RouteMatch<Route> | undefined,
  ): Promise<Reply> => {
    const entry = match?.route.entry ?? fallbackEntry;
    const key = match ? routeKey(match.route) : '$default';

    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (error instanceof RequestTooLarge) {
        response.shouldKeepAlive = false;
        return apiGatewayError(413, 'Request Entity Too Large');
      }
      throw error;
    }

    let claims: ApiGatewayJwtClaims | undefined;
    if (match && isOrganiserRoute(match.route)) {
      claims = options.authorize(request.headers.authorization) ?? undefined;
      if (!claims) return apiGatewayError(401, 'Unauthorized');
    }

    const at = new Date();
    const event = buildHttpApiEvent(
      {
        method,
        url,
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: sourceIpOf(request),
        localPort: request.socket.localPort ?? 0,
      },
      {
        routeKey: key,
        ...(match?.pathParameters ? { pathParameters: match.pathParameters } : {}),
        ...(claims ? { claims } : {}),
      },
      { requestId, at },
    );
    // An event over Lambda's 6 MB invocation limit never reaches the function in AWS either.
    if (Buffer.byteLength(JSON.stringify(event)) > maxInvocationBytes) {
      return apiGatewayError(413, 'Request Entity Too Large');
    }
    try {
      const handler = await options.loadHandler(entry);
      const context = createLambdaContext(entry, region, at.getTime());
      const result = await withTimeout(handler(event, context), entryTimeoutMs(entry), `Handler ${entry}`);
      return replyFromResult(result);
    } catch (error) {
      const detail =
        error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
      log(`${entry} failed (${key}): ${redactAddresses(detail)}`);
      return apiGatewayError(500, 'Internal Server Error');
    }
  };

  const server = createServer((request, response) => {
    const startedAt = performance.now();
    const requestId = newApiGatewayRequestId();
    const send = (reply: Reply) => {
      response.writeHead(reply.statusCode, {
        ...reply.headers,
        ...(reply.statusCode === 204 || reply.statusCode === 304
          ? {}
          : { 'content-length': String(reply.body.length) }),
        'apigw-requestid': requestId,
      });
      response.end(reply.body);
      // The path only: query strings carry tokens (docs/architecture.md, "Links and tokens"), bodies carry personal data.
      const { rawPath } = requestTarget(request.url ?? '/');
      log(`${request.method} ${rawPath} ${reply.statusCode} ${Math.round(performance.now() - startedAt)} ms`);
    };
    respond(request, response, requestId).then(send, (error: unknown) => {
      log(
        `Local API server error: ${redactAddresses(error instanceof Error ? error.message : String(error))}`,
      );
      if (!response.headersSent) send(apiGatewayError(500, 'Internal Server Error'));
      else response.destroy();
    });
  });
  return server;
};
