/**
 * The keyring that signs links (docs/architecture.md, "Links and tokens"): keys with ids, exactly one of
 * which signs; the others only verify, until they are retired. The legacy key is the secret that keys people
 * (never rotated, see people/person-id.ts); links signed before the keyring existed carry no key id and are
 * checked against it, so it has a place in the ring without an id.
 *
 * Rotation, in three steps that each change the ring once:
 * 1. `addLinkKey`: a new key that verifies but does not sign yet;
 * 2. `promoteLinkKey`, no sooner than `keyringReloadSeconds` later, so that every running function knows the
 *    key before the first link signed with it arrives: the new key signs, the old one keeps verifying;
 * 3. `retireLinkKey`, no sooner than `retireAfterMonths` after the key stopped signing: its secret is
 *    dropped, and its links (an unsubscribe link lives as long as its key) open a page that mails a fresh one.
 */

export type LinkKeyState = 'verifying' | 'signing' | 'retired';

export interface LinkKey {
  /** Short and URL-safe: every token carries it. */
  readonly id: string;
  readonly state: LinkKeyState;
  /** Absent once retired. */
  readonly secret?: string;
  readonly addedAt: string;
  /** When it stopped signing; absent for a key that signs or never signed. */
  readonly signedUntil?: string;
  readonly retiredAt?: string;
}

export interface LegacyLinkKey {
  readonly state: LinkKeyState;
  readonly signedUntil?: string;
  readonly retiredAt?: string;
}

export interface LinkKeyring {
  readonly legacy: LegacyLinkKey;
  readonly keys: readonly LinkKey[];
}

/** A running function loads the ring again at most this long after the last load (and on an unknown key id). */
export const keyringReloadSeconds = 5 * 60;

/** How long a key verifies after it stopped signing: a year of mails, and a month to read the last ones. */
export const retireAfterMonths = 13;

/** What the ring holds before the first rotation: the legacy key signs, links carry no key id. */
export const legacyOnlyKeyring: LinkKeyring = { legacy: { state: 'signing' }, keys: [] };

const keyIdPattern = /^[a-z0-9][a-z0-9-]{0,23}$/;
const minimumSecretLength = 32;

/** A keyring change that would break links or the rules above. */
export class KeyringRefused extends Error {
  override readonly name = 'KeyringRefused';
}

/** Checks the invariants every stored ring must hold; throws KeyringRefused naming the first it breaks. */
export const assertValidKeyring = (ring: LinkKeyring): void => {
  const signers =
    ring.keys.filter((key) => key.state === 'signing').length + (ring.legacy.state === 'signing' ? 1 : 0);
  if (signers !== 1)
    throw new KeyringRefused(`A keyring needs exactly one signing key; this one has ${signers}`);
  // The legacy key signed every link before the keyring: once it stops, the ring must say when.
  if (ring.legacy.state !== 'signing' && ring.legacy.signedUntil === undefined) {
    throw new KeyringRefused(
      'The legacy key no longer signs, but the ring does not say since when (signedUntil)',
    );
  }
  const ids = new Set<string>();
  for (const key of ring.keys) {
    if (!keyIdPattern.test(key.id) || key.id === 'legacy')
      throw new KeyringRefused(
        `Key id ${JSON.stringify(key.id)} is not a-z, 0-9 and -, at most 24, or is the reserved "legacy"`,
      );
    if (ids.has(key.id)) throw new KeyringRefused(`Key id ${key.id} appears twice`);
    ids.add(key.id);
    if (key.state === 'retired') {
      if (key.secret !== undefined) throw new KeyringRefused(`Retired key ${key.id} still holds its secret`);
    } else if (key.secret === undefined || key.secret.length < minimumSecretLength) {
      throw new KeyringRefused(`Key ${key.id} needs a secret of at least ${minimumSecretLength} characters`);
    }
  }
};

export const signingKeyOf = (ring: LinkKeyring): LinkKey | 'legacy' => {
  const key = ring.keys.find((candidate) => candidate.state === 'signing');
  return key ?? 'legacy';
};

/** Step 1: a new key that verifies, so that every function knows it before it signs. */
export const addLinkKey = (
  ring: LinkKeyring,
  key: { id: string; secret: string },
  now: Date,
): LinkKeyring => {
  if (ring.keys.some((existing) => existing.id === key.id))
    throw new KeyringRefused(`Key id ${key.id} is taken`);
  const next: LinkKeyring = {
    ...ring,
    keys: [...ring.keys, { id: key.id, state: 'verifying', secret: key.secret, addedAt: now.toISOString() }],
  };
  assertValidKeyring(next);
  return next;
};

/**
 * Step 2: `id` signs from now on; the key that signed until now keeps verifying. Refused sooner than one
 * reload interval after the key was added, unless `immediately` (offline, where one process reloads at once).
 */
export const promoteLinkKey = (
  ring: LinkKeyring,
  id: string,
  now: Date,
  options: { immediately?: boolean } = {},
): LinkKeyring => {
  const key = ring.keys.find((candidate) => candidate.id === id);
  if (!key) throw new KeyringRefused(`There is no key ${id}`);
  if (key.state !== 'verifying')
    throw new KeyringRefused(`Key ${id} ${key.state === 'signing' ? 'signs already' : 'is retired'}`);
  const knownEverywhereAt = Date.parse(key.addedAt) + keyringReloadSeconds * 1000;
  if (!options.immediately && now.getTime() < knownEverywhereAt) {
    throw new KeyringRefused(
      `Key ${id} was added at ${key.addedAt}; functions may not know it before ${new Date(knownEverywhereAt).toISOString()}`,
    );
  }
  const stoppedAt = now.toISOString();
  const next: LinkKeyring = {
    legacy: ring.legacy.state === 'signing' ? { state: 'verifying', signedUntil: stoppedAt } : ring.legacy,
    keys: ring.keys.map((candidate) => {
      if (candidate.id === id) return { ...candidate, state: 'signing' };
      if (candidate.state === 'signing') return { ...candidate, state: 'verifying', signedUntil: stoppedAt };
      return candidate;
    }),
  };
  assertValidKeyring(next);
  return next;
};

/** The first moment a key that stopped signing at `signedUntil` may be retired. */
export const retirableFrom = (signedUntil: string): Date => {
  const at = new Date(signedUntil);
  // A day of the month that the target month lacks rolls over into the next: later, never sooner.
  at.setUTCMonth(at.getUTCMonth() + retireAfterMonths);
  return at;
};

/**
 * Step 3: the key's secret leaves the ring and its links get the fresh-link page. `id` is a key id or
 * `legacy`. Refused for the signer, for a key that never signed, and sooner than `retireAfterMonths` after it
 * stopped signing, unless `early` (offline, to show what a retired link does).
 */
export const retireLinkKey = (
  ring: LinkKeyring,
  id: string,
  now: Date,
  options: { early?: boolean } = {},
): LinkKeyring => {
  const current = id === 'legacy' ? ring.legacy : ring.keys.find((candidate) => candidate.id === id);
  if (!current) throw new KeyringRefused(`There is no key ${id}`);
  if (current.state === 'retired') throw new KeyringRefused(`Key ${id} is retired already`);
  if (current.state === 'signing') throw new KeyringRefused(`Key ${id} signs: promote another key first`);
  if (current.signedUntil === undefined) {
    // A key that never signed has no links to honour: it can go at once.
  } else if (!options.early && now.getTime() < retirableFrom(current.signedUntil).getTime()) {
    throw new KeyringRefused(
      `Key ${id} signed until ${current.signedUntil}; its unsubscribe links must work until ${retirableFrom(current.signedUntil).toISOString()}`,
    );
  }
  const retiredAt = now.toISOString();
  const next: LinkKeyring =
    id === 'legacy'
      ? { ...ring, legacy: { ...ring.legacy, state: 'retired', retiredAt } }
      : {
          ...ring,
          keys: ring.keys.map((candidate) => {
            if (candidate.id !== id) return candidate;
            const { secret: _dropped, ...rest } = candidate;
            return { ...rest, state: 'retired', retiredAt };
          }),
        };
  assertValidKeyring(next);
  return next;
};

/** A new key id: the day it was made and four random characters, e.g. `k20261202-x7f3`. */
export const newLinkKeyId = (now: Date, random: string): string =>
  `k${now.toISOString().slice(0, 10).replaceAll('-', '')}-${random
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 4)}`;
