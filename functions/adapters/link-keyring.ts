import * as z from 'zod/mini';
import './validation-locale';
import { assertValidKeyring, KeyringRefused, type LinkKeyring, legacyOnlyKeyring } from '../core/link-keys';
import type { Clock } from '../core/ports';
import type { LinkKeySource, LinkKeys } from '../core/tokens';
import { logger } from './logger';

/**
 * The link keyring as stored: JSON in its own Secrets Manager secret in AWS (LINK_KEYS_ARN), a file in the
 * data folder offline (LINK_KEYS_FILE). Neither set, or a file not made yet, is the ring before the first
 * rotation: the legacy key signs. `{}` is that ring too, which is what a new stack's secret starts as.
 */

const state = z.enum(['verifying', 'signing', 'retired']);
const instant = z.iso.datetime();
const storedKeyring = z.object({
  legacy: z._default(z.object({ state, signedUntil: z.optional(instant), retiredAt: z.optional(instant) }), {
    state: 'signing',
  }),
  keys: z._default(
    z.array(
      z.object({
        id: z.string(),
        state,
        secret: z.optional(z.string()),
        addedAt: instant,
        signedUntil: z.optional(instant),
        retiredAt: z.optional(instant),
      }),
    ),
    [],
  ),
});

/** Reads a stored ring, refusing one that breaks an invariant (two signers, a retired key with a secret, …). */
export const parseKeyring = (text: string): LinkKeyring => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyringRefused('The link keyring is not JSON');
  }
  const parsed = z.safeParse(storedKeyring, json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new KeyringRefused(
      `The link keyring is malformed at ${first?.path.join('.') ?? '?'}: ${first?.message}`,
    );
  }
  const ring: LinkKeyring = parsed.data;
  assertValidKeyring(ring);
  return ring;
};

export const serialiseKeyring = (ring: LinkKeyring): string => `${JSON.stringify(ring, null, 2)}\n`;

/** Where this process's ring lives. */
export const loadLinkKeyring = async (settings: {
  LINK_KEYS_ARN?: string | undefined;
  LINK_KEYS_FILE?: string | undefined;
  AWS_REGION: string;
}): Promise<LinkKeyring> => {
  if (settings.LINK_KEYS_ARN) {
    const { readSecretString } = await import('./secrets-manager');
    const stored = await readSecretString(settings.LINK_KEYS_ARN, settings.AWS_REGION);
    // Only a stored `{}` means "before the first rotation": a secret without a string is an error, or the
    // legacy key would quietly sign again and every link with a key id would stop working.
    if (stored === undefined) throw new KeyringRefused('The link keyring secret holds no string');
    return parseKeyring(stored);
  }
  if (settings.LINK_KEYS_FILE) {
    const { readFile } = await import('node:fs/promises');
    try {
      return parseKeyring(await readFile(settings.LINK_KEYS_FILE, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return legacyOnlyKeyring;
      throw error;
    }
  }
  return legacyOnlyKeyring;
};

export interface CachedLinkKeysOptions {
  readonly legacySecret: string;
  readonly load: () => Promise<LinkKeyring>;
  readonly clock: Clock;
  /** A ring older than this is loaded again at the next use (link-keys.ts: keyringReloadSeconds). */
  readonly maxAgeSeconds: number;
  /** An unknown key id loads the ring again, but not more often than this: forged ids cost no stampede. */
  readonly unknownKeyReloadGapSeconds?: number;
}

/**
 * The ring of one process: loaded at the first use, again when older than `maxAgeSeconds`, and once more
 * when a token names a key id it does not know. A failed first load fails that use only (the caller's
 * `onceResolved` forgets it); a failed reload keeps the ring already loaded and is tried again at the next use.
 */
export class CachedLinkKeys implements LinkKeySource {
  #keys: LinkKeys;
  #loadedAt: number;
  #lastUnknownKeyReload = Number.NEGATIVE_INFINITY;
  #reloading: Promise<void> | undefined;

  private constructor(
    private readonly options: CachedLinkKeysOptions,
    ring: LinkKeyring,
  ) {
    this.#keys = { legacySecret: options.legacySecret, ring };
    this.#loadedAt = options.clock.now().getTime();
  }

  static async load(options: CachedLinkKeysOptions): Promise<CachedLinkKeys> {
    return new CachedLinkKeys(options, await options.load());
  }

  current(): LinkKeys {
    return this.#keys;
  }

  /** Call before each use: loads the ring again once it is older than `maxAgeSeconds`. */
  async refreshIfStale(): Promise<void> {
    if (this.options.clock.now().getTime() - this.#loadedAt < this.options.maxAgeSeconds * 1000) return;
    await this.#reload('stale');
  }

  async reloadForUnknownKey(): Promise<LinkKeys> {
    // A load under way (stale, or another unknown id) may bring the key: wait for it rather than refuse.
    if (this.#reloading) await this.#reloading;
    const now = this.options.clock.now().getTime();
    const gap = (this.options.unknownKeyReloadGapSeconds ?? 10) * 1000;
    if (now - this.#lastUnknownKeyReload >= gap) {
      this.#lastUnknownKeyReload = now;
      await this.#reload('unknown key id');
    }
    return this.#keys;
  }

  /** One load at a time; concurrent callers share it. */
  #reload(reason: string): Promise<void> {
    this.#reloading ??= this.options
      .load()
      .then((ring) => {
        this.#keys = { legacySecret: this.options.legacySecret, ring };
        this.#loadedAt = this.options.clock.now().getTime();
      })
      .catch((error: unknown) => {
        // An error, not a warning: a ring that cannot load fails every new container, and alarms should say so.
        // A refusal's message names the broken rule, never a secret.
        logger.error('Link keyring reload failed; keeping the keys loaded before', {
          reason,
          errorName: error instanceof Error ? error.name : typeof error,
          ...(error instanceof KeyringRefused ? { errorMessage: error.message } : {}),
        });
      })
      .finally(() => {
        this.#reloading = undefined;
      });
    return this.#reloading;
  }
}
