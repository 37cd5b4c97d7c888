/**
 * Addresses must never reach the logs, not even inside an SDK's error message (docs/architecture.md, "Privacy").
 * A module without side effects, so the local runtime can use it before any handler configures its logger.
 */
export const redactAddresses = (text: string): string =>
  text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[address]');
