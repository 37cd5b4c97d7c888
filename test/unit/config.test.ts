import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, schedulerSettings } from '../../functions/config';

const valid = {
  TABLE_NAME: 'dropin',
  PUBLIC_BASE_URL: 'https://dropin.example.org/',
  MAIL_FROM_ADDRESS: 'nieuws@dropin.example.org',
  TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tokens',
  LINK_KEYS_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link-keys',
  SCHEDULER_GROUP: 'DropIn-prod-schedules',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/DropIn-prod-Stateless-scheduler',
  SCHEDULER_TARGET_ARN:
    'arn:aws:lambda:eu-west-1:123456789012:function:DropIn-prod-Stateless-meetingReminders',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:DropIn-prod-Stateless-scheduled-job-failures',
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

  it('words the messages zod writes itself in Dutch, without any HTTP module loaded', () => {
    const { TABLE_NAME: _, ...withoutTable } = valid;

    expect(() => loadConfig({ ...withoutTable, MAIL_FROM_NAME: '' })).toThrow(
      'TABLE_NAME: Ongeldige invoer: verwacht string, ontving undefined; MAIL_FROM_NAME: Te kort: verwacht dat string >=1 tekens heeft',
    );
  });

  it('needs a token secret: the key itself offline or its ARN in AWS', () => {
    const { TOKEN_SECRET_ARN: _, ...withoutSecret } = valid;

    expect(() => loadConfig(withoutSecret)).toThrow(/TOKEN_SECRET/);
    expect(() => loadConfig({ ...withoutSecret, TOKEN_SECRET: 'short' })).toThrow(/TOKEN_SECRET/);
    expect(loadConfig({ ...withoutSecret, TOKEN_SECRET: 'x'.repeat(32) }).TOKEN_SECRET).toHaveLength(32);
  });

  it('needs the link keyring in AWS, where the person-id key comes from Secrets Manager', () => {
    const { LINK_KEYS_ARN: _, ...withoutKeyring } = valid;

    expect(() => loadConfig(withoutKeyring)).toThrow(/LINK_KEYS_ARN/);
    // Offline the keyring may be absent: the legacy key signs.
    const { TOKEN_SECRET_ARN: __, ...offline } = withoutKeyring;
    expect(loadConfig({ ...offline, TOKEN_SECRET: 'x'.repeat(32) }).LINK_KEYS_ARN).toBeUndefined();
  });

  it('uses EventBridge Scheduler by default and names each of its settings that is missing', () => {
    const { SCHEDULER_ROLE_ARN: _, SCHEDULER_DLQ_ARN: __, ...withoutTwo } = valid;

    expect(schedulerSettings(loadConfig(valid))).toEqual({
      mode: 'aws',
      groupName: valid.SCHEDULER_GROUP,
      roleArn: valid.SCHEDULER_ROLE_ARN,
      targetArn: valid.SCHEDULER_TARGET_ARN,
      deadLetterArn: valid.SCHEDULER_DLQ_ARN,
    });
    const failure = (() => {
      try {
        loadConfig(withoutTwo);
        return '';
      } catch (error) {
        return String(error);
      }
    })();
    expect(failure).toMatch(/SCHEDULER_ROLE_ARN: required when SCHEDULER_MODE is aws/);
    expect(failure).toMatch(/SCHEDULER_DLQ_ARN: required when SCHEDULER_MODE is aws/);
    expect(failure).not.toMatch(/SCHEDULER_GROUP|SCHEDULER_TARGET_ARN/);
  });

  it('needs none of them with the table scheduler (offline), and refuses an unknown mode', () => {
    const offline = {
      TABLE_NAME: 'dropin',
      PUBLIC_BASE_URL: 'http://localhost:3000',
      MAIL_FROM_ADDRESS: 'nieuws@dropin.example.org',
      TOKEN_SECRET: 'x'.repeat(32),
      SCHEDULER_MODE: 'table',
    };

    expect(schedulerSettings(loadConfig(offline))).toEqual({ mode: 'table' });
    expect(() => loadConfig({ ...offline, SCHEDULER_MODE: 'cron' })).toThrow(/SCHEDULER_MODE/);
  });
});
