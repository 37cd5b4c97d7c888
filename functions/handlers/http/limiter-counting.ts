import { admitLimitedRequest, type RequestLimiter } from './request-limits';

/**
 * `#request-limiter` in the bundle of a function that serves a route with a `limit` (package.json `imports`,
 * chosen by lib/bundling.ts): the limiter itself, a static import tree-shaken as the rest of the bundle.
 */
export const requestLimiter = async (): Promise<RequestLimiter | undefined> => admitLimitedRequest;
