import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The RS256 key the local stand-in for Cognito signs organiser tokens with. */
export interface OrganiserSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** `kid` of the tokens: the RFC 7638 thumbprint of the public key, as a JWKS would list it. */
  readonly keyId: string;
}

const fromPrivateKey = (privateKey: KeyObject): OrganiserSigningKey => {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
  return { privateKey, publicKey, keyId: thumbprint };
};

/** A fresh key that lives in memory only (tests). */
export const createSigningKey = (): OrganiserSigningKey =>
  fromPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

export const signingKeyFile = (dataDir: string): string => join(dataDir, 'auth', 'organiser-signing-key.pem');

/**
 * The key persisted in the data folder, created on first use, so `npm run local -- token` signs tokens the
 * running `npm start` accepts. Created with `wx`: when two commands race, both end up with the same key.
 */
export const loadOrCreateSigningKey = (dataDir: string): OrganiserSigningKey => {
  const file = signingKeyFile(dataDir);
  try {
    return fromPrivateKey(createPrivateKey(readFileSync(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = createSigningKey();
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, key.privateKey.export({ format: 'pem', type: 'pkcs8' }), { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fromPrivateKey(createPrivateKey(readFileSync(file, 'utf8')));
  }
};
