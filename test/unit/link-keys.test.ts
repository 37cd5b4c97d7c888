import { describe, expect, it, vi } from 'vitest';
import { CachedLinkKeys, parseKeyring, serialiseKeyring } from '../../functions/adapters/link-keyring';
import { InvalidToken, RetiredLink } from '../../functions/core/errors';
import {
  addLinkKey,
  KeyringRefused,
  type LinkKeyring,
  legacyOnlyKeyring,
  promoteLinkKey,
  retireLinkKey,
} from '../../functions/core/link-keys';
import { PersonIds } from '../../functions/core/people/person-id';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { FixedClock } from '../support/in-memory-ports';

/** The person-id secret, which is also the legacy link key. */
const legacySecret = 'legacy-person-id-secret-for-the-fixture-0123';
const newSecret = 'a-new-link-key-secret-of-enough-length-987654';

/**
 * Written by the token code as it was before the keyring (commit 5345ebb), with `legacySecret`: links in
 * inboxes look exactly like this, without a key id.
 */
const linkFromBefore = {
  unsubscribe:
    'eyJ2IjoxLCJwIjoidW5zdWJzY3JpYmUiLCJpIjoicDAxMjM0NTY3ODlhYmNkZWYiLCJlIjowfQ.RVDIJQq41WaJy4c-M_0ksY4n5TW-LTtjvcsXwE5xhCc',
  cancel:
    'eyJ2IjoxLCJwIjoiY2FuY2VsLXJlZ2lzdHJhdGlvbiIsImkiOiJtMS5wMi5yMyIsImUiOjE4MTE4MDgwMDB9.xVUu0FD05Bhe49coxS83NYuudUpEe6eCm-M3u6gaeus',
};

const keyIdOf = (token: string): unknown =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).k;

const faultOf = async (check: Promise<unknown>): Promise<string | undefined> => {
  try {
    await check;
    return undefined;
  } catch (error) {
    if (error instanceof InvalidToken) return error.fault;
    throw error;
  }
};

/** A ring that changes as a real one does: each test edits `stored`, the source loads it when asked. */
const rotatingSource = async (clock: FixedClock, initial: LinkKeyring = legacyOnlyKeyring) => {
  const store = { stored: serialiseKeyring(initial) };
  const load = vi.fn(async () => parseKeyring(store.stored));
  const source = await CachedLinkKeys.load({ legacySecret, load, clock, maxAgeSeconds: 300 });
  return { store, load, source };
};

describe('rotating the link key', () => {
  it('keeps old links working, signs new ones with the new key id, and sends retired ones to the fresh-link page', async () => {
    const clock = new FixedClock(new Date('2026-12-02T12:00:00Z'));
    const { store, source } = await rotatingSource(clock);
    const tokens = new TokenSigner(source, clock);
    const personIdsBefore = new PersonIds(legacySecret).of('dilly@example.org');

    // Before: the legacy key signs, without a key id, and a link from before the keyring verifies.
    const oldLink = tokens.sign('unsubscribe', 'sub_old', { ttlSeconds: null });
    expect(keyIdOf(oldLink)).toBeUndefined();
    expect((await tokens.verify(linkFromBefore.unsubscribe, 'unsubscribe')).id).toBe('p0123456789abcdef');

    // Add, wait one reload interval, promote.
    const added = addLinkKey(
      parseKeyring(store.stored),
      { id: 'k20261202-a1b2', secret: newSecret },
      clock.now(),
    );
    store.stored = serialiseKeyring(added);
    clock.advance(300);
    store.stored = serialiseKeyring(promoteLinkKey(added, 'k20261202-a1b2', clock.now()));
    await source.refreshIfStale();

    const newLink = tokens.sign('unsubscribe', 'sub_new', { ttlSeconds: null });
    expect(keyIdOf(newLink)).toBe('k20261202-a1b2');
    expect((await tokens.verify(newLink, 'unsubscribe')).id).toBe('sub_new');
    expect((await tokens.verify(oldLink, 'unsubscribe')).id).toBe('sub_old');
    expect((await tokens.verify(linkFromBefore.unsubscribe, 'unsubscribe')).id).toBe('p0123456789abcdef');

    // Thirteen months after the legacy key stopped signing it may go; its links get the fresh-link page.
    clock.advance(396 * 86400);
    store.stored = serialiseKeyring(retireLinkKey(parseKeyring(store.stored), 'legacy', clock.now()));
    clock.advance(301);
    await source.refreshIfStale();

    const retired = await tokens.verify(oldLink, 'unsubscribe').catch((error: unknown) => error);
    expect(retired).toBeInstanceOf(RetiredLink);
    expect(retired).toMatchObject({ fault: 'retired', purpose: 'unsubscribe' });
    expect(await faultOf(tokens.verify(linkFromBefore.unsubscribe, 'unsubscribe'))).toBe('retired');
    expect((await tokens.verify(newLink, 'unsubscribe')).id).toBe('sub_new');
    // An expired link of a retired key is just expired.
    expect(await faultOf(tokens.verify(linkFromBefore.cancel, 'cancel-registration'))).toBe('expired');
    // The person-id key never moved: the same address is the same person.
    expect(new PersonIds(legacySecret).of('dilly@example.org')).toBe(personIdsBefore);
    expect(parseKeyring(store.stored).keys.find((key) => key.id === 'k20261202-a1b2')?.state).toBe('signing');
  });

  it('keeps a link from before the keyring working when no keyring is configured', async () => {
    const clock = new FixedClock(new Date('2026-12-02T12:00:00Z'));
    const tokens = new TokenSigner(fixedLinkKeys(legacySecret), clock);

    expect(await tokens.verify(linkFromBefore.unsubscribe, 'unsubscribe')).toEqual({
      purpose: 'unsubscribe',
      id: 'p0123456789abcdef',
    });
    expect((await tokens.verify(linkFromBefore.cancel, 'cancel-registration')).id).toBe('m1.p2.r3');
    // Control: the fixture is not accepted under any secret.
    const other = new TokenSigner(fixedLinkKeys(newSecret), clock);
    expect(await faultOf(other.verify(linkFromBefore.unsubscribe, 'unsubscribe'))).toBe('signature');
  });

  it('loads the ring once more for a key id it does not know, and not for every forged one', async () => {
    const clock = new FixedClock(new Date('2026-12-02T12:00:00Z'));
    const { store, load, source } = await rotatingSource(clock);
    const tokens = new TokenSigner(source, clock);
    // Another process added and promoted a key (too early: this one has not reloaded yet).
    const ring = promoteLinkKey(
      addLinkKey(legacyOnlyKeyring, { id: 'k2', secret: newSecret }, clock.now()),
      'k2',
      clock.now(),
      { immediately: true },
    );
    const elsewhere = new TokenSigner(fixedLinkKeys(legacySecret, ring), clock).sign('unsubscribe', 'sub_1', {
      ttlSeconds: null,
    });
    store.stored = serialiseKeyring(ring);
    expect(load).toHaveBeenCalledTimes(1);

    expect((await tokens.verify(elsewhere, 'unsubscribe')).id).toBe('sub_1');
    expect(load).toHaveBeenCalledTimes(2);

    const forged = `${Buffer.from(JSON.stringify({ v: 1, k: 'k9', p: 'unsubscribe', i: 'x', e: 0 })).toString('base64url')}.abc`;
    expect(await faultOf(tokens.verify(forged, 'unsubscribe'))).toBe('signature');
    expect(await faultOf(tokens.verify(forged, 'unsubscribe'))).toBe('signature');
    expect(load).toHaveBeenCalledTimes(2); // within the gap: no reload per forged id
    clock.advance(11);
    expect(await faultOf(tokens.verify(forged, 'unsubscribe'))).toBe('signature');
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('reloads a ring older than five minutes, and keeps the old one when a reload fails', async () => {
    const clock = new FixedClock(new Date('2026-12-02T12:00:00Z'));
    const { load, source } = await rotatingSource(clock);

    clock.advance(299);
    await source.refreshIfStale();
    expect(load).toHaveBeenCalledTimes(1);
    clock.advance(1);
    load.mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await source.refreshIfStale();
    expect(source.current().ring).toEqual(legacyOnlyKeyring);
    await source.refreshIfStale(); // still stale: tried again at the next use
    expect(load).toHaveBeenCalledTimes(3);
    await source.refreshIfStale();
    expect(load).toHaveBeenCalledTimes(3);
  });
});

describe('the keyring rules', () => {
  const at = new Date('2026-12-02T12:00:00Z');
  const withNewKey = addLinkKey(legacyOnlyKeyring, { id: 'k1', secret: newSecret }, at);

  it('refuses to promote a key before every function can know it', () => {
    expect(() => promoteLinkKey(withNewKey, 'k1', new Date(at.getTime() + 299_000))).toThrow(KeyringRefused);
    expect(promoteLinkKey(withNewKey, 'k1', new Date(at.getTime() + 300_000)).keys[0]?.state).toBe('signing');
  });

  it('refuses to retire the signer, or a key sooner than 13 months after it stopped signing', () => {
    const promoted = promoteLinkKey(withNewKey, 'k1', new Date('2026-12-02T12:05:00Z'));
    expect(() => retireLinkKey(promoted, 'k1', new Date('2030-01-01T00:00:00Z'))).toThrow(/signs/);
    expect(() => retireLinkKey(promoted, 'legacy', new Date('2028-01-02T12:04:59Z'))).toThrow(
      /must work until/,
    );
    const retired = retireLinkKey(promoted, 'legacy', new Date('2028-01-02T12:05:00Z'));
    expect(retired.legacy.state).toBe('retired');
    expect(() => retireLinkKey(retired, 'legacy', new Date('2029-01-01T00:00:00Z'))).toThrow(/already/);
  });

  it('drops the secret of a retired key', () => {
    const twice = promoteLinkKey(
      addLinkKey(
        promoteLinkKey(withNewKey, 'k1', at, { immediately: true }),
        { id: 'k2', secret: `${newSecret}2` },
        at,
      ),
      'k2',
      at,
      { immediately: true },
    );
    const retired = retireLinkKey(twice, 'k1', at, { early: true });
    expect(retired.keys.find((key) => key.id === 'k1')).toEqual(
      expect.not.objectContaining({ secret: expect.anything() }),
    );
    expect(serialiseKeyring(retired)).not.toContain(`"${newSecret}"`);
  });

  it('counts 13 months by the calendar, rolling a missing day forward, never back', () => {
    const promoted = promoteLinkKey(withNewKey, 'k1', new Date('2027-01-31T10:00:00Z'), {
      immediately: true,
    });
    expect(() => retireLinkKey(promoted, 'legacy', new Date('2028-02-29T23:59:59Z'))).toThrow(KeyringRefused);
    expect(retireLinkKey(promoted, 'legacy', new Date('2028-03-02T10:00:00Z')).legacy.state).toBe('retired');
  });

  it('refuses a stored ring with two signers, no signer, a short secret or a retired key with its secret', () => {
    const key = { id: 'k1', secret: newSecret, addedAt: at.toISOString() };
    const refused = [
      { legacy: { state: 'signing' }, keys: [{ ...key, state: 'signing' }] },
      { legacy: { state: 'verifying' }, keys: [{ ...key, state: 'verifying' }] },
      { legacy: { state: 'verifying' }, keys: [{ ...key, state: 'signing', secret: 'short' }] },
      { legacy: { state: 'signing' }, keys: [{ ...key, state: 'retired' }] },
      { legacy: { state: 'signing' }, keys: [{ ...key, id: 'K 1', state: 'verifying' }] },
      { legacy: { state: 'signing' }, keys: [{ ...key, id: 'legacy', state: 'verifying' }] },
      // A legacy key that stopped signing without saying when could be retired at once: every old link gone.
      { legacy: { state: 'verifying' }, keys: [{ ...key, state: 'signing' }] },
      'not json',
    ];
    for (const ring of refused) {
      expect(() => parseKeyring(typeof ring === 'string' ? ring : JSON.stringify(ring))).toThrow(
        KeyringRefused,
      );
    }
    expect(parseKeyring('{}')).toEqual(legacyOnlyKeyring);
  });
});

describe('the keyring from Secrets Manager', () => {
  it('refuses a secret without a string instead of reading it as the ring before the first rotation', async () => {
    vi.resetModules();
    vi.doMock('../../functions/adapters/secrets-manager', () => ({
      readSecretString: async () => undefined,
    }));
    const { loadLinkKeyring } = await import('../../functions/adapters/link-keyring');
    await expect(
      loadLinkKeyring({
        LINK_KEYS_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:k',
        AWS_REGION: 'eu-west-1',
      }),
    ).rejects.toThrow(/holds no string/);
    vi.doUnmock('../../functions/adapters/secrets-manager');
  });
});
