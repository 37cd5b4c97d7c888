import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/config';

const valid = {
  TABLE_NAME: 'dropin',
  PUBLIC_BASE_URL: 'https://dropin.example.org/',
  MAIL_FROM_ADDRESS: 'nieuws@dropin.example.org',
  TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tokens',
};

describe('loadConfig', () => {
  it('reads a complete environment, with defaults and without a trailing slash on the base URL', () => {
    const config = loadConfig(valid);

    expect(config.PUBLIC_BASE_URL).toBe('https://dropin.example.org');
    expect(config.MAIL_FROM_NAME).toBe('Drop In');
    expect(config.AWS_REGION).toBe('eu-west-1');
  });

  it('fails fast naming every missing or malformed variable', () => {
    const { TABLE_NAME: _, ...withoutTable } = valid;

    expect(() => loadConfig({ ...withoutTable, PUBLIC_BASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...withoutTable, PUBLIC_BASE_URL: 'not a url' })).toThrow(
      /TABLE_NAME.*PUBLIC_BASE_URL|PUBLIC_BASE_URL.*TABLE_NAME/,
    );
  });

  it('needs a token secret: the key itself offline or its ARN in AWS', () => {
    const { TOKEN_SECRET_ARN: _, ...withoutSecret } = valid;

    expect(() => loadConfig(withoutSecret)).toThrow(/TOKEN_SECRET/);
    expect(() => loadConfig({ ...withoutSecret, TOKEN_SECRET: 'short' })).toThrow(/TOKEN_SECRET/);
    expect(loadConfig({ ...withoutSecret, TOKEN_SECRET: 'x'.repeat(32) }).TOKEN_SECRET).toHaveLength(32);
  });
});
