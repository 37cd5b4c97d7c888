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

/** A port free on every interface right now, never one of `npm start`'s. Another process may take it before
 * the caller binds it; callers that spawn engines retry on PortInUse. */
export const findFreePort = async (): Promise<number> => {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.unref();
      probe.once('error', reject);
      probe.listen({ port: 0, host: '0.0.0.0', exclusive: true }, () => {
        const address = probe.address();
        const chosen = typeof address === 'object' && address ? address.port : 0;
        probe.close(() => resolve(chosen));
      });
    });
    if (port > 0 && !reserved.has(port)) return port;
  }
};
