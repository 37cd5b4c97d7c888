import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort, isPortFree } from '../../local/engines/ports';

/**
 * `npm start` as a child process, for the tests of the offline twin as a whole: on free ports and a fresh data
 * folder, stopped the way a user stops it. Call `cleanUpStarts` in `afterEach`: it kills whatever a failed
 * test left running and removes the data folders.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningStart {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

export interface StartSettings {
  readonly dataDir: string;
  readonly sitePort: number;
  readonly dynamoDbPort: number;
  readonly sesPort: number;
  readonly sesProxyPort: number;
  /** The local S3 server's. Default 8007, as a user's `npm start` (freshSettings picks a free one). */
  readonly s3Port?: number;
  readonly path?: string;
  /** More of its environment, e.g. `DROPIN_SCHEDULER_POLL_MS`. */
  readonly env?: Readonly<Record<string, string>>;
}

const started: RunningStart[] = [];
const dataDirs: string[] = [];

/** `npm start` as a user runs it, without a terminal and with stdin closed, on ports no one else uses. */
export const npmStart = (settings: StartSettings): RunningStart => {
  const child = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DROPIN_DATA_DIR: settings.dataDir,
      PORT: String(settings.sitePort),
      DROPIN_DYNAMODB_PORT: String(settings.dynamoDbPort),
      DROPIN_SES_PORT: String(settings.sesPort),
      DROPIN_SES_PROXY_PORT: String(settings.sesProxyPort),
      ...(settings.s3Port !== undefined && { DROPIN_S3_PORT: String(settings.s3Port) }),
      ...(settings.path ? { PATH: settings.path } : {}),
      ...settings.env,
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

export const freshSettings = async (): Promise<StartSettings> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dropin-start-'));
  dataDirs.push(dataDir);
  return {
    dataDir,
    sitePort: await findFreePort(),
    dynamoDbPort: await findFreePort(),
    sesPort: await findFreePort(),
    sesProxyPort: await findFreePort(),
    s3Port: await findFreePort(),
  };
};

/** Processes whose command line names this data folder (the JVM gets `-dbPath <data>/dynamodb`). */
export const processesUsing = (dataDir: string): number[] =>
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

export const eventually = async (
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
};

export const siteAnswers = async (start: RunningStart, port: number, timeoutMs: number): Promise<void> => {
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

export const stopWithSigterm = async (start: RunningStart, settings: StartSettings): Promise<void> => {
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

/** Kills every `npm start` of this file still running and removes the data folders. */
export const cleanUpStarts = async (): Promise<void> => {
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
};
