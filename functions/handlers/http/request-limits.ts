import { logger } from '../../adapters/logger';
import { requestLimits } from '../../composition/request-limits';
import { admitRequest, type CountedKind, type RequestLimitKind } from '../../core/request-limits';
import { type HttpEvent, wellFormedLinkToken } from './request';
import { TooManyRequests } from './transport-errors';

/** Counts a request of a limited route, or throws TooManyRequests (a 429 with Retry-After). */
export type RequestLimiter = (kind: RequestLimitKind, event: HttpEvent) => Promise<void>;

/**
 * The HTTP edge's request limiter (edge.ts, through `#request-limiter`, for a route with a `limit`): counts
 * the request by its client's network, API Gateway's `sourceIp` (never a header the client writes), or by
 * the link token it carries (and then, generously, by its client's network too), before the handler runs.
 * A POST without a well-formed token is not counted: its handler refuses it (400) before any read.
 */
export const admitLimitedRequest: RequestLimiter = async (kind, event) => {
  const value = kind === 'client' ? event.requestContext.http.sourceIp : wellFormedLinkToken(event);
  if (value === undefined) return;
  const limits = await requestLimits();
  // A token route counts the client network too (generously): made-up tokens each start a fresh count.
  const counted: [CountedKind, string][] =
    kind === 'token'
      ? [
          ['token-client', event.requestContext.http.sourceIp],
          ['token', value],
        ]
      : [[kind, value]];
  // The counts are independent: both at once, so a token route waits for one write, not two in a row.
  const admissions = await Promise.all(
    counted.map(async ([countedKind, countedValue]) => ({
      countedKind,
      admission: await admitRequest(limits, countedKind, countedValue),
    })),
  );
  for (const { countedKind, admission } of admissions) {
    if (admission.admitted) continue;
    logger.info('Request over its limit', { routeKey: event.routeKey, limit: countedKind });
    throw new TooManyRequests(admission.retryAfterSeconds);
  }
};
