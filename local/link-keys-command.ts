import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadLinkKeyring, parseKeyring, serialiseKeyring } from '../functions/adapters/link-keyring';
import {
  addLinkKey,
  KeyringRefused,
  keyringReloadSeconds,
  type LinkKeyring,
  newLinkKeyId,
  promoteLinkKey,
  retirableFrom,
  retireLinkKey,
} from '../functions/core/link-keys';
import { localRegion } from './runtime';

/**
 * `npm run local -- rotate-key`: the link keyring's three steps (functions/core/link-keys.ts) on the offline
 * ring (a file in the data folder) or, with `--secret-id`, on the stack's Secrets Manager secret. The rules
 * are the core's: the command only reads the ring, applies one step and writes it back. It never prints a secret.
 */

/** Where a ring is kept. */
export interface KeyringStore {
  readonly where: string;
  read(): Promise<LinkKeyring>;
  write(ring: LinkKeyring): Promise<void>;
}

/** The offline ring: written to a temporary file and renamed, so the server never reads half a ring. */
export const fileKeyringStore = (file: string): KeyringStore => ({
  where: file,
  // The same reading the functions do offline: a file not made yet is the ring before the first rotation.
  read: () => loadLinkKeyring({ LINK_KEYS_FILE: file, AWS_REGION: localRegion }),
  write: async (ring) => {
    mkdirSync(dirname(file), { recursive: true });
    const next = `${file}.${process.pid}.tmp`;
    writeFileSync(next, serialiseKeyring(ring), { mode: 0o600 });
    renameSync(next, file);
  },
});

/** The ring in AWS: the stack's LinkKeys secret, with the default credential chain. */
export const secretKeyringStore = async (
  secretId: string,
  region: string | undefined,
): Promise<KeyringStore> => {
  const { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } = await import(
    '@aws-sdk/client-secrets-manager'
  );
  const client = new SecretsManagerClient(region ? { region } : {});
  const current = async () => {
    const { SecretString, VersionId } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (SecretString === undefined) throw new KeyringRefused(`${secretId} holds no string`);
    return { text: SecretString, versionId: VersionId };
  };
  let readVersion: string | undefined;
  return {
    where: secretId,
    read: async () => {
      const { text, versionId } = await current();
      readVersion = versionId;
      return parseKeyring(text);
    },
    // Secrets Manager has no conditional write: a ring changed since it was read (another operator) is
    // refused just before writing, which narrows a lost update to that moment.
    write: async (ring) => {
      if ((await current()).versionId !== readVersion) {
        throw new KeyringRefused('The ring changed since it was read; run the step again');
      }
      await client.send(
        new PutSecretValueCommand({ SecretId: secretId, SecretString: serialiseKeyring(ring) }),
      );
    },
  };
};

export type RotateStep =
  | { readonly step: 'rotate' }
  | { readonly step: 'add' }
  | { readonly step: 'promote'; readonly id: string }
  | { readonly step: 'retire'; readonly id: string; readonly early: boolean }
  | { readonly step: 'list' };

const newKey = (now: Date) => ({
  id: newLinkKeyId(now, randomBytes(4).toString('hex')),
  secret: randomBytes(32).toString('base64url'),
});

/**
 * Applies one step and says what happened. `rotate` (offline only) adds a key and makes it the signer at
 * once: the one local server reads the ring at every use, so no function can be left without the new key.
 */
export const rotateKeyCommand = async (
  store: KeyringStore,
  command: RotateStep,
  now: Date,
  offline: boolean,
): Promise<string[]> => {
  const ring = await store.read();
  if (command.step === 'list') return describeKeyring(ring, now);
  let next: LinkKeyring;
  const lines: string[] = [];
  if (command.step === 'rotate') {
    const key = newKey(now);
    next = promoteLinkKey(addLinkKey(ring, key, now), key.id, now, { immediately: true });
    lines.push(`Added ${key.id} and made it the signer; the key before it keeps verifying.`);
  } else if (command.step === 'add') {
    const key = newKey(now);
    next = addLinkKey(ring, key, now);
    const promoteFrom = new Date(now.getTime() + keyringReloadSeconds * 1000);
    lines.push(
      `Added ${key.id}; it verifies but does not sign yet.`,
      `Make it the signer from ${promoteFrom.toISOString()} on (every function has loaded it by then): rotate-key promote ${key.id}`,
    );
  } else if (command.step === 'promote') {
    next = promoteLinkKey(ring, command.id, now, { immediately: offline });
    lines.push(`${command.id} signs every new link; the key before it keeps verifying.`);
  } else {
    if (command.early && !offline) throw new Error('--early is for the offline ring only');
    next = retireLinkKey(ring, command.id, now, { early: command.early });
    lines.push(`Retired ${command.id}: its secret is gone; its links now offer to mail a fresh one.`);
  }
  await store.write(next);
  return [...lines, ...describeKeyring(next, now)];
};

export const describeKeyring = (ring: LinkKeyring, now: Date): string[] => {
  const rows = [
    { id: 'legacy', ...ring.legacy },
    ...ring.keys.map(({ id, state, signedUntil, retiredAt }) => ({ id, state, signedUntil, retiredAt })),
  ];
  return [
    'Link keys:',
    ...rows.map((row) => {
      const retirable =
        row.state === 'verifying' && row.signedUntil
          ? retirableFrom(row.signedUntil).getTime() <= now.getTime()
            ? ', may be retired now'
            : `, may be retired from ${retirableFrom(row.signedUntil).toISOString()}`
          : '';
      const since = row.retiredAt
        ? ` since ${row.retiredAt}`
        : row.signedUntil
          ? `, signed until ${row.signedUntil}`
          : '';
      return `  ${row.id.padEnd(16)} ${row.state}${since}${retirable}`;
    }),
  ];
};
