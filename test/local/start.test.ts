import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { findFreePort, isPortFree } from '../../local/engines/ports';
import { Mailbox } from '../../local/engines/ses-emulator';
import { seedVersion } from '../../local/seed';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface RunningStart {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

interface StartSettings {
  readonly dataDir: string;
  readonly sitePort: number;
  readonly dynamoDbPort: number;
  readonly sesPort: number;
  readonly path?: string;
}

const started: RunningStart[] = [];
const dataDirs: string[] = [];

/** `npm start` as a user runs it, without a terminal and with stdin closed, on ports no one else uses. */
const npmStart = (settings: StartSettings): RunningStart => {
  const child = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DROPIN_DATA_DIR: settings.dataDir,
      PORT: String(settings.sitePort),
      DROPIN_DYNAMODB_PORT: String(settings.dynamoDbPort),
      DROPIN_SES_PORT: String(settings.sesPort),
      ...(settings.path ? { PATH: settings.path } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so cleanup can end everything it started even if the test fails.
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const running = { child, exited, output: () => output };
  started.push(running);
  return running;
};

const freshSettings = async (): Promise<StartSettings> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dropin-start-'));
  dataDirs.push(dataDir);
  return {
    dataDir,
    sitePort: await findFreePort(),
    dynamoDbPort: await findFreePort(),
    sesPort: await findFreePort(),
  };
};

/** Processes whose command line names this data folder (the JVM gets `-dbPath <data>/dynamodb`). */
const processesUsing = (dataDir: string): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);

const eventually = async (condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
};

const siteAnswers = async (start: RunningStart, port: number, timeoutMs: number): Promise<void> => {
  const startedAt = Date.now();
  for (;;) {
    if (start.child.exitCode !== null) throw new Error(`npm start exited early:\n${start.output()}`);
    const status = await fetch(`http://127.0.0.1:${port}/`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() - startedAt > timeoutMs)
      throw new Error(`GET / did not answer 200 in time:\n${start.output()}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
};

const stopWithSigterm = async (start: RunningStart, settings: StartSettings): Promise<void> => {
  start.child.kill('SIGTERM');
  await start.exited;
  await eventually(() => processesUsing(settings.dataDir).length === 0, 15_000, 'the JVM to exit');
  await eventually(
    async () =>
      (await isPortFree(settings.sitePort, '127.0.0.1')) &&
      (await isPortFree(settings.dynamoDbPort, '0.0.0.0')),
    15_000,
    'the ports to be released',
  );
};

afterEach(async () => {
  for (const { child } of started.splice(0)) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const dataDir of dataDirs.splice(0)) {
    for (const pid of processesUsing(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('npm start', () => {
  it('serves the site on an empty data folder, stops every child on SIGTERM and keeps confirmed subscribers for the next start', async () => {
    const settings = await freshSettings();

    const first = npmStart(settings);
    await siteAnswers(first, settings.sitePort, 60_000);

    const tokenFile = join(settings.dataDir, 'organiser.jwt');
    expect(existsSync(tokenFile)).toBe(true);
    const me = await fetch(`http://127.0.0.1:${settings.sitePort}/api/organiser/me`, {
      headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ groups: ['organisers'] });
    const site = `http://127.0.0.1:${settings.sitePort}`;
    const organiserList = async () => {
      const token = readFileSync(tokenFile, 'utf8').trim();
      const response = await fetch(`${site}/api/organiser/subscribers?status=active`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await response.json()) as { items: { email: string }[] }).items.map((item) => item.email);
    };
    const client = new DynamoDBClient({
      ...localAwsSettings,
      endpoint: `http://127.0.0.1:${settings.dynamoDbPort}`,
    });
    const documents = DynamoDBDocumentClient.from(client);
    try {
      // A confirmed subscriber, made the way a reader makes one: the relay delivers the opt-in mail.
      const email = 'herstart@example.org';
      const subscribed = await fetch(`${site}/api/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, consent: true }),
      });
      expect(subscribed.status).toBe(202);
      const optIn = await new Mailbox(`http://127.0.0.1:${settings.sesPort}`).waitFor(
        (mail) => mail.destination.to.includes(email),
        { timeoutMs: 15_000 },
      );
      const confirmUrl = new URL(
        optIn.body.text?.match(/http:\/\/\S+\/nieuwsbrief\/bevestigen\?token=\S+/)?.[0] ?? '',
      );
      const confirmed = await fetch(`${site}${confirmUrl.pathname}${confirmUrl.search}`, { method: 'POST' });
      expect(confirmed.status).toBe(200);
      expect(await organiserList()).toContain(email);

      await stopWithSigterm(first, settings);
      expect(first.output()).not.toMatch(/\n\s+at /);

      const second = npmStart(settings);
      await siteAnswers(second, settings.sitePort, 60_000);
      expect(second.output()).toContain('demo data: already-seeded');
      const marker = await documents.send(
        new GetCommand({ TableName: 'dropin', Key: keys.seedMarker(seedVersion) }),
      );
      expect(marker.Item).toBeDefined();
      expect(await organiserList()).toContain(email);
      await stopWithSigterm(second, settings);
    } finally {
      client.destroy();
    }
  }, 120_000);

  it('explains a taken port in one line, exits 1 and leaves nothing running', async () => {
    const settings = await freshSettings();
    const squatter: Server = createServer();
    await new Promise<void>((resolveListen) =>
      squatter.listen(settings.dynamoDbPort, '127.0.0.1', resolveListen),
    );
    try {
      const start = npmStart(settings);

      expect(await start.exited).toBe(1);
      expect(start.output()).toContain(
        `Cannot start: Port ${settings.dynamoDbPort} (DynamoDB Local) is already in use; stop what uses it or choose another port with DROPIN_DYNAMODB_PORT=<port>.`,
      );
      expect(start.output()).not.toMatch(/\n\s+at /);
      expect(processesUsing(settings.dataDir)).toEqual([]);
    } finally {
      await new Promise((resolveClose) => squatter.close(resolveClose));
    }
  }, 60_000);

  it('explains a missing Java in one line and exits 1', async () => {
    const settings = await freshSettings();
    // A PATH with node, npm and the shell npm runs scripts with, but no java.
    const bin = join(settings.dataDir, 'bin');
    mkdirSync(bin);
    const npmPath = (process.env.PATH ?? '')
      .split(delimiter)
      .map((dir) => join(dir, 'npm'))
      .find((candidate) => existsSync(candidate));
    expect(npmPath).toBeDefined();
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync(npmPath as string, join(bin, 'npm'));
    symlinkSync('/bin/sh', join(bin, 'sh'));

    const start = npmStart({ ...settings, path: bin });

    expect(await start.exited).toBe(1);
    expect(start.output()).toContain(
      'Cannot start: DynamoDB Local needs Java 17 or newer, but "java" was not found',
    );
    expect(start.output()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
