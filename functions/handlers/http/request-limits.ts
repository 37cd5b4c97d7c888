import { logger } from '../../adapters/logger';
import { requestLimits } from '../../composition/request-limits';
import { admitRequest, type RequestLimitKind } from '../../core/request-limits';
import { type HttpEvent, wellFormedLinkToken } from './request';
import { TooManyRequests } from './transport-errors';

/** Counts a request of a limited route, or throws TooManyRequests (a 429 with Retry-After). */
export type RequestLimiter = (kind: RequestLimitKind, event: HttpEvent) => Promise<void>;

/**
 * The HTTP edge's request limiter (edge.ts, through `#request-limiter`, for a route with a `limit`): counts
 * the request by its client's network, API Gateway's `sourceIp` (never a header the client writes), or by
 * the link token it carries, before the handler runs. A POST without a well-formed token is not counted: its
 * handler refuses it (400) before any read.
 */
export const admitLimitedRequest: RequestLimiter = async (kind, event) => {
  const value = kind === 'client' ? event.requestContext.http.sourceIp : wellFormedLinkToken(event);
  if (value === undefined) return;
  const admission = await admitRequest(await requestLimits(), kind, value);
  if (admission.admitted) return;
  logger.info('Request over its limit', { routeKey: event.routeKey, limit: kind });
  throw new TooManyRequests(admission.retryAfterSeconds);
};
