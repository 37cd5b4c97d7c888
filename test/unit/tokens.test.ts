import { describe, expect, it } from 'vitest';
import { InvalidToken } from '../../functions/core/errors';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { FixedClock } from '../support/in-memory-ports';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const fault = async (action: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await action();
  } catch (error) {
    if (error instanceof InvalidToken) return error.fault;
    throw error;
  }
  return undefined;
};

describe('TokenSigner', () => {
  it('round-trips purpose, id and expiry', async () => {
    const clock = new FixedClock(new Date('2027-03-28T00:30:00Z'));
    const signer = new TokenSigner(fixedLinkKeys(secret), clock);

    const token = signer.sign('confirm-subscription', 'sub_01', { ttlSeconds: 7 * 86400 });

    expect(await signer.verify(token, 'confirm-subscription')).toEqual({
      purpose: 'confirm-subscription',
      id: 'sub_01',
      expiresAt: new Date('2027-04-04T00:30:00Z'),
    });
  });

  it('rejects a token after its expiry and accepts it just before', async () => {
    const clock = new FixedClock(new Date('2027-01-01T00:00:00Z'));
    const signer = new TokenSigner(fixedLinkKeys(secret), clock);
    const token = signer.sign('confirm-subscription', 'sub_01', { ttlSeconds: 60 });

    clock.advance(59);
    expect(await fault(() => signer.verify(token, 'confirm-subscription'))).toBeUndefined();
    clock.advance(1);
    expect(await fault(() => signer.verify(token, 'confirm-subscription'))).toBe('expired');
  });

  it('signs a fixed expiry, and refuses one that is not after now', async () => {
    const clock = new FixedClock(new Date('2027-03-27T12:00:00Z'));
    const signer = new TokenSigner(fixedLinkKeys(secret), clock);
    const end = Date.parse('2027-04-03T12:00:00Z') / 1000;

    const token = signer.sign('confirm-subscription', 'sub_01', { expiresAt: end });

    expect((await signer.verify(token, 'confirm-subscription')).expiresAt).toEqual(new Date(end * 1000));
    clock.advance(7 * 86400);
    expect(() => signer.sign('confirm-subscription', 'sub_01', { expiresAt: end })).toThrow(/not after now/);
  });

  it('rejects a token of another purpose, even a genuine one', async () => {
    const signer = new TokenSigner(fixedLinkKeys(secret), new FixedClock(new Date()));
    const token = signer.sign('manage-preferences', 'sub_01', { ttlSeconds: 60 });

    expect(await fault(() => signer.verify(token, 'confirm-subscription'))).toBe('purpose');
  });

  it('rejects a tampered payload, a tampered signature and another secret', async () => {
    const clock = new FixedClock(new Date());
    const signer = new TokenSigner(fixedLinkKeys(secret), clock);
    const token = signer.sign('unsubscribe', 'sub_01', { ttlSeconds: null });
    const [payload = '', signature = ''] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ v: 1, p: 'unsubscribe', i: 'sub_02', e: 0 })).toString(
      'base64url',
    );
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;

    expect(await fault(() => signer.verify(`${forgedPayload}.${signature}`, 'unsubscribe'))).toBe(
      'signature',
    );
    expect(await fault(() => signer.verify(`${payload}.${flipped}`, 'unsubscribe'))).toBe('signature');
    expect(
      await fault(() => new TokenSigner(fixedLinkKeys(`${secret}x`), clock).verify(token, 'unsubscribe')),
    ).toBe('signature');
  });

  it('rejects garbage as malformed', async () => {
    const signer = new TokenSigner(fixedLinkKeys(secret), new FixedClock(new Date()));
    for (const garbage of ['', 'abc', 'a.b.c', '!!!.???', `${'x'.repeat(2000)}.y`]) {
      expect(await fault(() => signer.verify(garbage, 'unsubscribe'))).toBe('malformed');
    }
  });

  it('lets only unsubscribe tokens live forever, and never carries an address', async () => {
    const signer = new TokenSigner(fixedLinkKeys(secret), new FixedClock(new Date()));

    expect(
      await signer.verify(signer.sign('unsubscribe', 'sub_01', { ttlSeconds: null }), 'unsubscribe'),
    ).toEqual({
      purpose: 'unsubscribe',
      id: 'sub_01',
    });
    expect(() => signer.sign('confirm-subscription', 'sub_01', { ttlSeconds: null })).toThrow(/must expire/);
    expect(() => signer.sign('unsubscribe', 'dilly@example.org', { ttlSeconds: null })).toThrow(/opaque/);
  });
});

describe('a signature', () => {
  const clock = new FixedClock(new Date('2027-01-01T00:00:00Z'));
  const signer = new TokenSigner(fixedLinkKeys(secret), clock);
  /** A genuine token whose signature satisfies `wanted` (ids are tried until one does). */
  const tokenWhere = (wanted: (signature: string) => boolean): string => {
    for (let n = 0; n < 1000; n++) {
      const token = signer.sign('unsubscribe', `sub_${n}`, { ttlSeconds: null });
      if (wanted(token.split('.')[1] ?? '')) return token;
    }
    throw new Error('no such token');
  };

  it('is accepted in its one canonical form only: same bytes written otherwise are refused', async () => {
    const token = tokenWhere((signature) => /[-_]/.test(signature));
    const [payload = '', signature = ''] = token.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    // The last of 43 characters carries 2 bits no byte uses: another character there decodes the same.
    const last = signature.at(-1) ?? '';
    const sameBytes = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_']
      .map((char) => `${signature.slice(0, -1)}${char}`)
      .find((other) => !other.endsWith(last) && Buffer.from(other, 'base64url').equals(bytes));
    const variants = {
      lastCharacter: sameBytes ?? '',
      appended: `${signature}!!!`,
      padded: `${signature}=`,
      otherAlphabet: signature.replaceAll('-', '+').replaceAll('_', '/'),
    };
    // Each variant is the same signature to a lenient decoder: that is what makes the check meaningful.
    for (const variant of Object.values(variants)) {
      expect(
        Buffer.from(variant, 'base64url').equals(bytes) || Buffer.from(variant, 'base64').equals(bytes),
      ).toBe(true);
    }
    expect(await fault(() => signer.verify(token, 'unsubscribe'))).toBeUndefined();
    for (const [name, variant] of Object.entries({ ...variants, appendedCharacter: `${signature}A` })) {
      expect({
        name,
        fault: await fault(() => signer.verify(`${payload}.${variant}`, 'unsubscribe')),
      }).toEqual({
        name,
        fault: 'signature',
      });
    }
  });
});
