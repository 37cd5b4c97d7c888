import type { RequestLimiter } from './request-limits';

/**
 * `#request-limiter` where nothing is bundled (package.json `imports`, the `default`): offline and in tests.
 * The limiter is loaded when a limited route first asks for it, so a page that counts nothing never loads the
 * configuration or a client for it. (In a bundle a dynamic import would make esbuild wrap, and keep whole,
 * the table client the handler shares; lib/bundling.ts picks a static one there.)
 */
export const requestLimiter = async (): Promise<RequestLimiter | undefined> =>
  (await import('./request-limits')).admitLimitedRequest;
