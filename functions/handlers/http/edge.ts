import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { requestLimiter } from '#request-limiter';
import { logger, logInvocation } from '../../adapters/logger';
import { redactAddresses } from '../../adapters/redaction';
import {
  DomainError,
  InvalidInput,
  InvalidToken,
  NotFound,
  NotPermitted,
  RetiredLink,
} from '../../core/errors';
import { hasRole, missingRoleReason } from '../../core/organisers/identity';
import { ConcurrentChange, StillContended } from '../../core/ports';
import { pathParameterPattern } from '../../paths';
import { isApiPath, routeByKey } from '../../routes';
import { renderErrorPage } from '../../web/pages/error';
import { renderFreshLinkPage } from '../../web/pages/fresh-link';
import type { HttpEvent } from './request';
import { organiserOf } from './request';
import { type HttpResult, page, problem } from './respond';
import { withSecurityHeaders } from './security-headers';
import { TransportError } from './transport-errors';

const statusByDomainCode: Record<string, number> = {
  'invalid-input': 400,
  'invalid-token': 400,
  'not-authenticated': 401,
  'not-permitted': 403,
  'not-found': 404,
  'request-expired': 410,
  'stale-version': 412,
  'import-interrupted': 503,
};

const titles: Record<number, string> = {
  400: 'Ongeldig verzoek',
  401: 'Niet ingelogd',
  403: 'Geen toegang',
  404: 'Niet gevonden',
  409: 'Conflict',
  410: 'Verlopen',
  412: 'Gewijzigd door iemand anders',
  413: 'Verzoek te groot',
  415: 'Niet-ondersteund formaat',
  428: 'Versie ontbreekt',
  429: 'Te veel verzoeken',
  503: 'Even druk',
  500: 'Interne fout',
};

interface MappedError {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
  issues?: InvalidInput['issues'];
}

/** Maps any thrown error to what the caller may see: 4xx details, never 5xx details. */
export const mapError = (error: unknown): MappedError => {
  if (error instanceof TransportError) {
    return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  }
  // Contention that outlasted every retry (a transaction's, or a use case's rounds): nothing was written.
  if (error instanceof StillContended || error instanceof ConcurrentChange) {
    return {
      status: 503,
      code: 'concurrent-change',
      message: 'Het is even erg druk: probeer het zo nog eens. Er is niets opgeslagen.',
      headers: { 'retry-after': '1' },
    };
  }
  if (error instanceof DomainError) {
    const status = statusByDomainCode[error.code] ?? 409;
    return {
      status,
      code: error.code,
      message: error.message,
      headers: {},
      ...(error instanceof InvalidInput ? { issues: error.issues } : {}),
    };
  }
  return {
    status: 500,
    code: 'internal',
    message: 'Er ging iets mis aan onze kant. Probeer het later opnieuw.',
    headers: {},
  };
};

/**
 * The one HTTP edge, around every HTTP handler:
 * - before: enforces the route's access from the route table (organiser routes: the JWT authorizer has
 *   checked the token; here the group is checked), then its `limit` (per client or per link token, before
 *   the handler runs: a refused request writes and sends nothing);
 * - after: adds the security headers;
 * - onError: maps the error to problem+json (API) or a Dutch page (pages), and logs 5xx without PII.
 */
export const httpEdge = (): MiddlewareObj<HttpEvent, HttpResult, Error, Context> => ({
  before: async ({ event }) => {
    const route = routeByKey(event.routeKey);
    if (!route && event.routeKey !== '$default') {
      throw new Error(`Route ${event.routeKey} is not in the route table`);
    }
    // Ids and slugs are checked at the door, before any read: nothing of ours looks otherwise (a key over
    // DynamoDB's limit would otherwise be a 500).
    for (const value of Object.values(event.pathParameters ?? {})) {
      if (!pathParameterPattern.test(value ?? '')) throw new NotFound('Deze pagina bestaat niet.');
    }
    if (route && route.access !== 'public' && !hasRole(organiserOf(event).groups, route.access)) {
      throw new NotPermitted(missingRoleReason(route.access));
    }
    if (route?.limit) {
      // Which limiter a function has is chosen when it is bundled (`#request-limiter`, lib/bundling.ts).
      const admit = await requestLimiter();
      // A limited route whose function was bundled without the limiter is refused, never served unlimited.
      if (!admit) throw new Error(`No limiter for ${event.routeKey}`);
      await admit(route.limit, event);
    }
  },
  after: (request) => {
    const kind = isApiPath(request.event.rawPath) ? 'api' : 'page';
    if (request.response) request.response.headers = withSecurityHeaders(request.response.headers, kind);
  },
  onError: (request) => {
    const { event, error } = request;
    const mapped = mapError(error);
    if (mapped.status === 503) {
      logger.warn('Request contended', {
        routeKey: event.routeKey,
        requestId: event.requestContext.requestId,
      });
    } else if (mapped.status >= 500) {
      logger.error('Request failed', {
        routeKey: event.routeKey,
        requestId: event.requestContext.requestId,
        errorName: error?.name,
        errorMessage: redactAddresses(error?.message ?? ''),
        stack: error?.stack ? redactAddresses(error.stack) : undefined,
      });
    } else if (error instanceof InvalidToken) {
      logger.info('Rejected token', { routeKey: event.routeKey, fault: error.fault });
    }
    const api = isApiPath(event.rawPath);
    // A link signed with a retired key is gone for good (410), and its page offers a fresh one.
    if (error instanceof RetiredLink && !api) {
      const response = page(410, renderFreshLinkPage(error.purpose), mapped.headers);
      request.response = { ...response, headers: withSecurityHeaders(response.headers, 'page') };
      return;
    }
    const response = api
      ? problem(
          {
            status: mapped.status,
            code: mapped.code,
            title: titles[mapped.status] ?? titles[mapped.status >= 500 ? 500 : 400] ?? 'Fout',
            detail: mapped.message,
            ...(mapped.issues ? { errors: mapped.issues } : {}),
          },
          event.rawPath,
          mapped.headers,
        )
      : page(mapped.status, renderErrorPage(mapped.status, mapped.message), mapped.headers);
    request.response = { ...response, headers: withSecurityHeaders(response.headers, api ? 'api' : 'page') };
  },
});

/** Wraps a route handler in the HTTP edge. The handler itself stays: parse → use case → response. */
export const httpRoute = (handle: (event: HttpEvent) => Promise<HttpResult>) =>
  middy<HttpEvent, HttpResult, Error, Context>().use(logInvocation()).use(httpEdge()).handler(handle);
