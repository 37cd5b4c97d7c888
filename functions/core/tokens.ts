import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidToken, RetiredLink } from './errors';
import { type LinkKeyring, legacyOnlyKeyring, signingKeyOf } from './link-keys';
import type { Clock } from './ports';

/**
 * Signed tokens for links in mails (docs/architecture.md, "Links and tokens"): HMAC-SHA-256, bound to one purpose, carrying an
 * opaque id (never an address) and, except for unsubscribing, an expiry.
 *
 * Wire form: `<payload>.<signature>`, both base64url; the payload is `{"v":1,"k":keyId,"p":purpose,"i":id,"e":exp}`
 * with `e` in epoch seconds or 0 for "never", and `k` the id of the keyring key that signed it (link-keys.ts);
 * a token without `k` was signed by the legacy key. The signing key is derived per purpose from the key's
 * secret, so a token of one purpose can never verify as another even if a payload check were forgotten.
 */

export const tokenPurposes = [
  'confirm-subscription',
  'manage-preferences',
  'unsubscribe',
  'cancel-registration',
  'confirm-registration',
  'register-invite',
  'request-report',
  'preview-digest',
  'download-report',
] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

export interface VerifiedToken {
  readonly purpose: TokenPurpose;
  readonly id: string;
  /** Undefined for tokens that never expire. */
  readonly expiresAt?: Date;
}

export type SignOptions =
  /** Lifetime in seconds from now; `null` only for purposes that must work forever (unsubscribe). */
  | { readonly ttlSeconds: number | null }
  /** A fixed end in epoch seconds, e.g. that of the record the link acts on; it must lie in the future. */
  | { readonly expiresAt: number };

const version = 1;

/** The secrets links are signed with: the keyring, and the legacy key (the person-id secret) it refers to. */
export interface LinkKeys {
  readonly legacySecret: string;
  readonly ring: LinkKeyring;
}

/** Where the signer gets its keys (adapters/link-keyring.ts): what was loaded last, and a load on demand. */
export interface LinkKeySource {
  current(): LinkKeys;
  /**
   * Loads the ring again because a token names a key id it does not know (added since the last load);
   * resolves to the ring to check against, which is the current one when a load was made just now.
   */
  reloadForUnknownKey(): Promise<LinkKeys>;
}

/** A source that never changes: offline tools and tests. */
export const fixedLinkKeys = (legacySecret: string, ring: LinkKeyring = legacyOnlyKeyring): LinkKeySource => {
  const keys = { legacySecret, ring };
  return { current: () => keys, reloadForUnknownKey: async () => keys };
};

/**
 * The HMAC key of one purpose, derived from a key's secret at each use (one more HMAC, microseconds): nothing
 * keeps key material beyond the ring the process holds, so a retired key leaves memory with its ring.
 */
const purposeKey = (secret: string, purpose: TokenPurpose): Buffer => {
  if (secret.length < 32) throw new Error('A link key secret must be at least 32 characters long');
  return createHmac('sha256', secret).update(`dropin-token:${purpose}`).digest();
};

/** The secret a token's key id stands for: a secret, retired, or not in this ring. */
const secretFor = (keys: LinkKeys, keyId: string | undefined): string | 'retired' | undefined => {
  if (keyId === undefined) return keys.ring.legacy.state === 'retired' ? 'retired' : keys.legacySecret;
  const key = keys.ring.keys.find((candidate) => candidate.id === keyId);
  if (!key) return undefined;
  return key.state === 'retired' || key.secret === undefined ? 'retired' : key.secret;
};

export class TokenSigner {
  constructor(
    private readonly keys: LinkKeySource,
    private readonly clock: Clock,
  ) {
    // Fail at construction, not at the first link: the legacy secret signs until the first rotation.
    purposeKey(keys.current().legacySecret, 'unsubscribe');
  }

  /** Signs with the ring's signing key, naming it in the token (none for the legacy key). */
  sign(purpose: TokenPurpose, id: string, options: SignOptions): string {
    if (id.length === 0 || id.includes('@')) throw new Error('A token id must be opaque and non-empty');
    const expires = this.#expiry(purpose, options);
    const keys = this.keys.current();
    const signer = signingKeyOf(keys.ring);
    const claims =
      signer === 'legacy'
        ? { v: version, p: purpose, i: id, e: expires }
        : { v: version, k: signer.id, p: purpose, i: id, e: expires };
    const secret = signer === 'legacy' ? keys.legacySecret : signer.secret;
    if (secret === undefined)
      throw new Error(`Signing key ${signer === 'legacy' ? 'legacy' : signer.id} has no secret`);
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${payload}.${signatureOf(secret, purpose, payload)}`;
  }

  /**
   * Returns the token's id, or throws InvalidToken saying what is wrong with it. A key id the ring does not
   * know makes the source load the ring once more before the token counts as forged.
   */
  async verify(token: string, purpose: TokenPurpose): Promise<VerifiedToken> {
    const parts = token.split('.');
    const [payload, signature] = parts;
    if (parts.length !== 2 || !payload || !signature || token.length > 1024)
      throw new InvalidToken('malformed');
    const claims = parseClaims(payload);
    if (!claims) throw new InvalidToken('malformed');
    let secret = secretFor(this.keys.current(), claims.k);
    if (secret === undefined) secret = secretFor(await this.keys.reloadForUnknownKey(), claims.k);
    if (secret === undefined) throw new InvalidToken('signature');
    if (secret === 'retired') {
      // Unverifiable now; its claims only choose the page. An expired link gets the expired page as before.
      if (claims.e !== 0 && claims.e * 1000 <= this.clock.now().getTime()) throw new InvalidToken('expired');
      throw new RetiredLink(purpose);
    }
    const keyed = secret;
    // Compared as text, not as decoded bytes: base64 decoders forgive another alphabet, padding, trailing
    // junk and the unused bits of the last character, so only the one canonical form we write is accepted.
    const given = Buffer.from(signature, 'utf8');
    const signedAs = (p: TokenPurpose) => Buffer.from(signatureOf(keyed, p, payload), 'utf8');
    if (claims.p !== purpose) {
      // Tell a wrong-purpose token apart from a forged one only when it is genuinely ours.
      const ownPurpose = tokenPurposes.find((p) => p === claims.p);
      const genuine = ownPurpose !== undefined && safeEqual(signedAs(ownPurpose), given);
      throw new InvalidToken(genuine ? 'purpose' : 'signature');
    }
    if (!safeEqual(signedAs(purpose), given)) throw new InvalidToken('signature');
    if (claims.e !== 0 && claims.e * 1000 <= this.clock.now().getTime()) throw new InvalidToken('expired');
    return claims.e === 0
      ? { purpose, id: claims.i }
      : { purpose, id: claims.i, expiresAt: new Date(claims.e * 1000) };
  }

  /** The `e` claim: epoch seconds, or 0 for never. */
  #expiry(purpose: TokenPurpose, options: SignOptions): number {
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    if ('expiresAt' in options) {
      if (!Number.isInteger(options.expiresAt) || options.expiresAt <= nowSeconds) {
        throw new Error(
          `A ${purpose} token cannot expire at ${options.expiresAt}: that is not after now (${nowSeconds})`,
        );
      }
      return options.expiresAt;
    }
    if (options.ttlSeconds === null) {
      if (purpose !== 'unsubscribe') throw new Error(`A ${purpose} token must expire`);
      return 0;
    }
    return nowSeconds + options.ttlSeconds;
  }
}

const signatureOf = (secret: string, purpose: TokenPurpose, payload: string): string =>
  createHmac('sha256', purposeKey(secret, purpose)).update(payload).digest('base64url');

interface Claims {
  v: number;
  k?: string;
  p: string;
  i: string;
  e: number;
}

const parseClaims = (payload: string): Claims | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, k, p, i, e } = value as Record<string, unknown>;
    if (v !== version || typeof p !== 'string' || typeof i !== 'string' || i.length === 0) return undefined;
    if (typeof e !== 'number' || !Number.isInteger(e) || e < 0) return undefined;
    if (k === undefined) return { v, p, i, e };
    if (typeof k !== 'string' || k.length === 0) return undefined;
    return { v, k, p, i, e };
  } catch {
    return undefined;
  }
};

const safeEqual = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);
