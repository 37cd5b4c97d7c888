import type { RequestLimiter } from './request-limits';

/**
 * `#request-limiter` in the bundle of a function that serves no route with a `limit` (package.json
 * `imports`, chosen by lib/bundling.ts): none, so the bundle carries nothing of the limiter, its table client
 * or its key. The edge refuses a limited route here rather than serve it unlimited.
 */
export const requestLimiter = async (): Promise<RequestLimiter | undefined> => undefined;
