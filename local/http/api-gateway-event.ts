import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiGatewayJwtClaims } from '../auth/organiser-auth';

/** An HTTP API payload v2 event; `authorizer` is present on routes with the JWT authorizer only. */
export type HttpApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt: { claims: ApiGatewayJwtClaims; scopes: string[] | null } };
  };
};

export const localAccountId = '123456789012';
export const localApiId = 'dropinlocal';

export interface IncomingHttpRequest {
  readonly method: string;
  /** The request target as sent: path and query, still percent-encoded. */
  readonly url: string;
  /** Node's `rawHeaders`: name, value, name, value, … in the order received. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** The port the local server listens on (API Gateway's x-forwarded-port). */
  readonly localPort: number;
}

export interface RouteDecision {
  /** `GET /api/organiser/me` or `$default`. */
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
  /** Set on routes with the JWT authorizer. */
  readonly claims?: ApiGatewayJwtClaims;
}

/**
 * Bodies API Gateway HTTP APIs pass as text; every other body, including one without a content type and
 * `application/x-www-form-urlencoded` (so form posts!), arrives base64-encoded with `isBase64Encoded: true`.
 * The documentation does not list the types; this split was measured against AWS (HTTP API, payload 2.0) by
 * the ministack project (PR #766). `+json` types such as `application/problem+json` are not in that list
 * and are treated as binary here too.
 */
export const isTextBody = (contentType: string | undefined): boolean => {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType === 'application/xml' ||
    mediaType === 'application/javascript'
  );
};

/** Hop-by-hop headers end at API Gateway; they never reach the function. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * rawPath as an HTTP API builds it: percent-escapes decoded (as UTF-8), except `%25`, which stays encoded so
 * the result cannot be decoded twice.
 */
export const decodeRequestPath = (rawPath: string): string =>
  rawPath.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    let text = '';
    let pending: number[] = [];
    const flush = () => {
      if (pending.length > 0) text += Buffer.from(pending).toString('utf8');
      pending = [];
    };
    for (let index = 0; index < run.length; index += 3) {
      const byte = Number.parseInt(run.slice(index + 1, index + 3), 16);
      if (byte === 0x25) {
        flush();
        text += '%25';
      } else {
        pending.push(byte);
      }
    }
    flush();
    return text;
  });

const decodeQueryComponent = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Query parameters as payload v2 has them: values percent-decoded, a repeated name joined with ','.
 * `+` is left as is (API Gateway does not form-decode); use rawQueryString for anything subtle.
 */
export const queryParameters = (rawQueryString: string): Record<string, string> | undefined => {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const name = decodeQueryComponent(separator === -1 ? pair : pair.slice(0, separator));
    const value = decodeQueryComponent(separator === -1 ? '' : pair.slice(separator + 1));
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
};

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's request time, e.g. `12/Mar/2020:19:03:58 +0000`. */
export const apiGatewayTime = (at: Date): string => {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
};

/** API Gateway's request ids look like `JKJaXmPLvHcESHA=`. */
export const newApiGatewayRequestId = (): string => randomBytes(11).toString('base64');

const traceId = (at: Date): string =>
  `Root=1-${Math.floor(at.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

/** The decoded path (API Gateway's rawPath) and the query string as sent. */
export const requestTarget = (url: string): { rawPath: string; rawQueryString: string } => {
  const withoutFragment = url.replace(/#.*$/, '');
  const queryStart = withoutFragment.indexOf('?');
  return {
    rawPath: decodeRequestPath(queryStart === -1 ? withoutFragment : withoutFragment.slice(0, queryStart)),
    rawQueryString: queryStart === -1 ? '' : withoutFragment.slice(queryStart + 1),
  };
};

/**
 * The exact HTTP API (payload format 2.0) event for a request: header names lower-cased, repeated headers
 * joined with ',', cookies moved from the `cookie` header to `cookies`, the forwarding headers API Gateway
 * adds, and optional members left out (not null) when empty, as API Gateway does.
 */
export const buildHttpApiEvent = (
  request: IncomingHttpRequest,
  route: RouteDecision,
  { requestId, at }: { requestId: string; at: Date },
): HttpApiEvent => {
  const { rawPath, rawQueryString } = requestTarget(request.url);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] ?? '').toLowerCase();
    const value = request.rawHeaders[index + 1] ?? '';
    if (hopByHop.has(name)) continue;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${request.sourceIp}`
    : request.sourceIp;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId(at);
  if (request.body.length > 0) headers['content-length'] = String(request.body.length);

  const host = headers.host ?? 'localhost';
  const domainName = host.startsWith('[')
    ? host.slice(0, host.indexOf(']') + 1)
    : (host.split(':')[0] ?? host);
  const queryStringParameters = queryParameters(rawQueryString);
  const text = isTextBody(headers['content-type']);

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: localAccountId,
      apiId: localApiId,
      ...(route.claims ? { authorizer: { jwt: { claims: route.claims, scopes: null } } } : {}),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: apiGatewayTime(at),
      timeEpoch: at.getTime(),
    },
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    ...(request.body.length > 0 ? { body: request.body.toString(text ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: request.body.length > 0 && !text,
  };
};
