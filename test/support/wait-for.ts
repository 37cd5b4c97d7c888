import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `check` every `intervalMs` until it returns something other than undefined, and returns that; throws
 * `Timed out waiting for <what>` (followed by `detail()` on a line of its own, if given) after `timeoutMs`.
 */
export const waitFor = async <T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  { intervalMs = 200, detail }: { intervalMs?: number; detail?: () => string } = {},
): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until)
      throw new Error(`Timed out waiting for ${what}${detail === undefined ? '' : `\n${detail()}`}`);
    await delay(intervalMs);
  }
};
