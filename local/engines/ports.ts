import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { PortInUse } from '../setup-errors';

/** The ports `npm start` uses. Tests never take them, so a test run works beside a live `npm start`. */
export const startPorts = { site: 3000, dynamoDb: 8000, ses: 8005, sesProxy: 8006, s3: 8007 } as const;
const reserved = new Set<number>(Object.values(startPorts));

/**
 * Whether a listener could bind `host:port` now. DynamoDB Local binds every interface (0.0.0.0), so its port
 * is checked on 0.0.0.0: that also fails when anything holds the port on 127.0.0.1 or `::`.
 */
export const isPortFree = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });

export const assertPortFree = async (
  port: number,
  host: string,
  purpose: string,
  overrideVariable?: string,
): Promise<void> => {
  if (!(await isPortFree(port, host))) throw new PortInUse(port, purpose, overrideVariable);
};

/**
 * Ports are drawn from 20000–31999, below Linux's ephemeral range (32768–60999): a port the kernel handed out
 * for `port: 0` can be handed out again at once, to the next probe or as the source port of any outgoing
 * connection, before the caller binds it. Each vitest worker (VITEST_POOL_ID) draws from its own thousand, the
 * main process (the global setups) from the first, and no process hands out a port twice; so two test files
 * running side by side never pick the same port. Something else on the machine may still hold one, which the
 * probe sees.
 */
const firstPort = 20_000;
const blockSize = 1_000;
const blocks = 12;
const handedOut = new Set<number>();

const blockOfThisProcess = (): number => {
  const poolId = Number(process.env.VITEST_POOL_ID ?? 0);
  return Number.isInteger(poolId) && poolId >= 0 ? poolId % blocks : 0;
};

/** A port free on every interface right now, never one of `npm start`'s, never one this process handed out
 * before. Another process may take it before the caller binds it; callers that spawn engines retry on PortInUse. */
export const findFreePort = async (): Promise<number> => {
  const base = firstPort + blockOfThisProcess() * blockSize;
  for (let attempt = 0; attempt < blockSize * 4; attempt += 1) {
    const port = base + randomInt(blockSize);
    if (reserved.has(port) || handedOut.has(port)) continue;
    if (!(await isPortFree(port, '0.0.0.0'))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`No free port left in ${base}–${base + blockSize - 1}`);
};
