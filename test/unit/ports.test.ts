import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort, isPortFree, startPorts } from '../../local/engines/ports';

const listening: Server[] = [];
const listen = (port: number, host: string) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      listening.push(server);
      resolve(server);
    });
  });

afterEach(async () => {
  await Promise.all(listening.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('findFreePort', () => {
  it("never hands out a port twice, nor one of npm start's, and draws below the kernel's ephemeral range", async () => {
    const ports: number[] = [];
    for (let index = 0; index < 150; index += 1) ports.push(await findFreePort());
    expect(new Set(ports).size).toBe(ports.length);
    const poolBlock = Number(process.env.VITEST_POOL_ID ?? 0) % 12;
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000 + poolBlock * 1_000);
      expect(port).toBeLessThan(20_000 + (poolBlock + 1) * 1_000);
      expect(Object.values(startPorts)).not.toContain(port);
    }
  });

  it('hands out a port that can be bound on every interface', async () => {
    const port = await findFreePort();
    await listen(port, '0.0.0.0');
    expect(await isPortFree(port, '0.0.0.0')).toBe(false);
    // The negative control: the probe sees a port held on loopback only as taken for every interface.
    const other = await findFreePort();
    await listen(other, '127.0.0.1');
    expect(await isPortFree(other, '0.0.0.0')).toBe(false);
  });
});
