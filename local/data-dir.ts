import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the offline twin keeps what must survive a restart: the DynamoDB Local database, the person-id key, the link keyring,
 * the organiser signing key, the last organiser token and the reports' PDFs. `.data/` at the repository root (git-ignored), or
 * `DROPIN_DATA_DIR`.
 */
export const resolveDataDir = (env: NodeJS.ProcessEnv = process.env): string =>
  env.DROPIN_DATA_DIR
    ? resolve(env.DROPIN_DATA_DIR)
    : resolve(dirname(fileURLToPath(import.meta.url)), '..', '.data');

/**
 * What a running `npm start` tells the local commands: its data folder, under its site port, so a command
 * run from another terminal (without the `DROPIN_DATA_DIR` that `npm start` was given) works on the running
 * system's data, not on a folder of its own.
 */
const runningRecordPath = (sitePort: number): string =>
  join(tmpdir(), `dropin-npm-start-${process.getuid?.() ?? 'user'}-${sitePort}.json`);

export const recordRunning = (sitePort: number, dataDir: string): (() => void) => {
  const path = runningRecordPath(sitePort);
  try {
    writeFileSync(path, `${JSON.stringify({ pid: process.pid, dataDir })}\n`, { mode: 0o600 });
  } catch (error) {
    // A convenience only: without it the commands need DROPIN_DATA_DIR, as they did before.
    console.error(`Could not record the data folder for the local commands in ${path}: ${String(error)}`);
  }
  return () => {
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as { pid?: number }).pid === process.pid) rmSync(path);
    } catch {
      // Gone already.
    }
  };
};

/** Whether a process of ours runs under this pid (one of another user means the pid was reused). */
const isOurs = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The data folder a local command works on: `DROPIN_DATA_DIR` if set, else that of the `npm start` running on
 * the site port (`PORT`, default 3000), else the default folder, exactly as `npm start` would choose it.
 */
export const resolveRunningDataDir = (sitePort: number, env: NodeJS.ProcessEnv = process.env): string => {
  if (env.DROPIN_DATA_DIR) return resolveDataDir(env);
  try {
    const record = JSON.parse(readFileSync(runningRecordPath(sitePort), 'utf8')) as {
      pid?: unknown;
      dataDir?: unknown;
    };
    if (typeof record.pid === 'number' && typeof record.dataDir === 'string' && isOurs(record.pid)) {
      return record.dataDir;
    }
  } catch {
    // No npm start on that port has said where its data is.
  }
  return resolveDataDir(env);
};

export const dataPaths = (dataDir: string) => ({
  dynamoDb: join(dataDir, 'dynamodb'),
  tokenSecret: join(dataDir, 'token-secret'),
  /** The link keyring (`npm run local -- rotate-key`); absent until the first rotation. */
  linkKeys: join(dataDir, 'link-keys.json'),
  organiserToken: join(dataDir, 'organiser.jwt'),
  /** The local S3 server's objects: reports' PDFs and uploads (local/engines/s3.ts). */
  s3: join(dataDir, 's3'),
});

/** A fresh person-id key, which also checks links from before the keyring (config demands at least 32 characters). */
export const newTokenSecret = (): string => randomBytes(32).toString('base64url');

/**
 * The person-id key, generated once and kept, so people keep their ids and links in mails sent before a restart still work after
 * it. Created with `wx`: when two commands race, both read the one that won.
 */
export const loadOrCreateTokenSecret = (dataDir: string): string => {
  const file = dataPaths(dataDir).tokenSecret;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = newTokenSecret();
  try {
    writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(file, 'utf8').trim();
  }
};
