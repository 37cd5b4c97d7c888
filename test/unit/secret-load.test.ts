import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The person-id key and the link keyring as a function reads them in AWS (TOKEN_SECRET_ARN, LINK_KEYS_ARN, Secrets Manager): one failed read must
 * not break the container; the next invocation reads again. Secrets Manager itself is the one stand-in here.
 */
const readSecretString = vi.fn<(secretId: string, region: string) => Promise<string | undefined>>();
vi.mock('../../functions/adapters/secrets-manager', () => ({ readSecretString }));

const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'dropin',
    PUBLIC_BASE_URL: 'https://dropin.example.org',
    MAIL_FROM_ADDRESS: 'nieuws@dropin.example.org',
    TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:token',
    LINK_KEYS_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link-keys',
    SCHEDULER_MODE: 'table',
  });
  delete process.env.TOKEN_SECRET;
  delete process.env.LINK_KEYS_FILE;
});
afterAll(() => {
  process.env = saved;
});

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const keyring = {
  legacy: { state: 'verifying', signedUntil: '2026-11-01T00:00:00.000Z' },
  keys: [
    {
      id: 'k1',
      state: 'signing',
      secret: 'the-link-key-of-at-least-thirty-two-chars-42',
      addedAt: '2026-10-31T00:00:00.000Z',
    },
  ],
};

describe('the secrets, read from Secrets Manager', () => {
  it('fail the invocation whose read fails, and work at the next one, without a new container', async () => {
    const reads = { person: 0, ring: 0 };
    readSecretString.mockImplementation(async (secretId) => {
      if (secretId === process.env.TOKEN_SECRET_ARN) {
        if (reads.person++ === 0) throw throttled();
        return 'a-secret-of-at-least-thirty-two-characters-0123';
      }
      if (secretId === process.env.LINK_KEYS_ARN) {
        if (reads.ring++ === 0) throw throttled();
        return JSON.stringify(keyring);
      }
      throw new Error(`No secret ${secretId}`);
    });
    const { tokens } = await import('../../functions/composition/keys');
    const { personIds } = await import('../../functions/composition/person-ids');

    await expect(tokens()).rejects.toThrow('Rate exceeded'); // the person-id key
    await expect(tokens()).rejects.toThrow('Rate exceeded'); // the keyring
    const signer = await tokens();
    const token = signer.sign('unsubscribe', 'sub_1', { ttlSeconds: null });
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).k).toBe('k1');
    expect((await signer.verify(token, 'unsubscribe')).id).toBe('sub_1');
    expect((await personIds()).of('a@example.org')).toMatch(/\S/);
    await tokens();
    // One failed read of each and one that worked and is kept: the people key is read once for both uses,
    // and a keyring younger than the reload interval is not read again.
    expect(reads).toEqual({ person: 2, ring: 2 });
  });
});
