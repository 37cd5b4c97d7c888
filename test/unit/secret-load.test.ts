import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The signing secret as a function reads it in AWS (TOKEN_SECRET_ARN, Secrets Manager): one failed read must
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
    SCHEDULER_MODE: 'table',
  });
  delete process.env.TOKEN_SECRET;
});
afterAll(() => {
  process.env = saved;
});

describe('the signing secret, read from Secrets Manager', () => {
  it('fails the invocation whose read fails, and works at the next one, without a new container', async () => {
    readSecretString
      .mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .mockResolvedValue('a-secret-of-at-least-thirty-two-characters-0123');
    const { tokens, personIds } = await import('../../functions/composition/keys');

    await expect(tokens()).rejects.toThrow('Rate exceeded');
    const signer = await tokens();
    expect(signer.verify(signer.sign('unsubscribe', 'sub_1', { ttlSeconds: null }), 'unsubscribe').id).toBe(
      'sub_1',
    );
    expect((await personIds()).of('a@example.org')).toMatch(/\S/);
    // One failed read, one that worked and is kept: the people key and the signer share it.
    expect(readSecretString).toHaveBeenCalledTimes(2);
    expect(readSecretString).toHaveBeenCalledWith(process.env.TOKEN_SECRET_ARN, 'eu-west-1');
  });
});
