import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the offline twin keeps what must survive a restart: the DynamoDB Local database, the token secret,
 * the organiser signing key and the last organiser token. `.data/` at the repository root (git-ignored), or
 * `DROPIN_DATA_DIR`.
 */
export const resolveDataDir = (env: NodeJS.ProcessEnv = process.env): string =>
  env.DROPIN_DATA_DIR
    ? resolve(env.DROPIN_DATA_DIR)
    : resolve(dirname(fileURLToPath(import.meta.url)), '..', '.data');

export const dataPaths = (dataDir: string) => ({
  dynamoDb: join(dataDir, 'dynamodb'),
  tokenSecret: join(dataDir, 'token-secret'),
  organiserToken: join(dataDir, 'organiser.jwt'),
});

/** A fresh signing secret for the handlers' link tokens (config demands at least 32 characters). */
export const newTokenSecret = (): string => randomBytes(32).toString('base64url');

/**
 * The token secret, generated once and kept, so signed links in mails sent before a restart still work after
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
