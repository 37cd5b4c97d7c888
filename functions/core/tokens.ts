import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidToken } from './errors';
import type { Clock } from './ports';

/**
 * Signed tokens for links in mails (docs/architecture.md, "Links and tokens"): HMAC-SHA-256, bound to one purpose, carrying an
 * opaque id (never an address) and, except for unsubscribing, an expiry.
 *
 * Wire form: `<payload>.<signature>`, both base64url; the payload is `{"v":1,"p":purpose,"i":id,"e":exp}`
 * with `e` in epoch seconds or 0 for "never". The signing key is derived per purpose from the secret, so a
 * token of one purpose can never verify as another even if a payload check were forgotten.
 */

export const tokenPurposes = [
  'confirm-subscription',
  'manage-preferences',
  'unsubscribe',
  'cancel-registration',
  'request-report',
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

export class TokenSigner {
  readonly #keys = new Map<TokenPurpose, Buffer>();

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    if (secret.length < 32) throw new Error('The token secret must be at least 32 characters long');
    for (const purpose of tokenPurposes) {
      this.#keys.set(purpose, createHmac('sha256', secret).update(`dropin-token:${purpose}`).digest());
    }
  }

  sign(purpose: TokenPurpose, id: string, options: SignOptions): string {
    if (id.length === 0 || id.includes('@')) throw new Error('A token id must be opaque and non-empty');
    const expires = this.#expiry(purpose, options);
    const payload = Buffer.from(JSON.stringify({ v: version, p: purpose, i: id, e: expires })).toString(
      'base64url',
    );
    return `${payload}.${this.#signature(purpose, payload)}`;
  }

  /** Returns the token's id, or throws InvalidToken saying what is wrong with it. */
  verify(token: string, purpose: TokenPurpose): VerifiedToken {
    const parts = token.split('.');
    const [payload, signature] = parts;
    if (parts.length !== 2 || !payload || !signature || token.length > 1024)
      throw new InvalidToken('malformed');
    const claims = parseClaims(payload);
    if (!claims) throw new InvalidToken('malformed');
    // Compared as text, not as decoded bytes: base64 decoders forgive another alphabet, padding, trailing
    // junk and the unused bits of the last character, so only the one canonical form we write is accepted.
    const given = Buffer.from(signature, 'utf8');
    const signedAs = (p: TokenPurpose) => Buffer.from(this.#signature(p, payload), 'utf8');
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

  #signature(purpose: TokenPurpose, payload: string): string {
    const key = this.#keys.get(purpose);
    if (!key) throw new Error(`Unknown token purpose ${purpose}`);
    return createHmac('sha256', key).update(payload).digest('base64url');
  }
}

interface Claims {
  v: number;
  p: string;
  i: string;
  e: number;
}

const parseClaims = (payload: string): Claims | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, p, i, e } = value as Record<string, unknown>;
    if (v !== version || typeof p !== 'string' || typeof i !== 'string' || i.length === 0) return undefined;
    if (typeof e !== 'number' || !Number.isInteger(e) || e < 0) return undefined;
    return { v, p, i, e };
  } catch {
    return undefined;
  }
};

const safeEqual = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);
