import net from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { once, onceResolved } from '../../functions/composition/once';
import { type EntryName, lambdaEntries } from '../../functions/entries';

describe('once', () => {
  it('builds on first use and keeps what it built', () => {
    const build = vi.fn(() => ({ built: true }));
    const value = once(build);
    expect(build).not.toHaveBeenCalled();
    expect(value()).toBe(value());
    expect(build).toHaveBeenCalledTimes(1);
  });
});

describe('onceResolved', () => {
  it('keeps a loaded value: one round trip per process', async () => {
    const load = vi.fn(async () => 'secret');
    const value = onceResolved(load);
    expect(await Promise.all([value(), value()])).toEqual(['secret', 'secret']);
    expect(await value()).toBe('secret');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a failed load, so the next invocation tries again instead of failing for good', async () => {
    const load = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('Secrets Manager timed out'))
      .mockResolvedValue('secret');
    const value = onceResolved(load);
    await expect(value()).rejects.toThrow('timed out');
    expect(await value()).toBe('secret');
    expect(load).toHaveBeenCalledTimes(2);
  });
});

describe('importing a handler', () => {
  const connects: string[] = [];
  const connect = net.Socket.prototype.connect;
  beforeAll(() => {
    // As in AWS: the secret and the schedules are in AWS services, not in the environment.
    Object.assign(process.env, {
      TABLE_NAME: 'dropin',
      PUBLIC_BASE_URL: 'https://dropin.example.org',
      MAIL_FROM_ADDRESS: 'nieuws@dropin.example.org',
      AWS_REGION: 'eu-west-1',
      TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:token',
      LINK_KEYS_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link-keys',
      SCHEDULER_MODE: 'aws',
      SCHEDULER_GROUP: 'dropin',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
      SCHEDULER_TARGET_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:reminders',
      SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
    });
    delete process.env.TOKEN_SECRET;
    delete process.env.DYNAMODB_ENDPOINT;
    delete process.env.SES_ENDPOINT;
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      connects.push(JSON.stringify(args[0]));
      this.destroy();
      return this;
    } as typeof connect;
  });
  afterAll(() => {
    net.Socket.prototype.connect = connect;
  });

  /** An SDK call started but not awaited reaches the socket a few ticks later, after endpoint and credentials. */
  const settled = () => new Promise((resolve) => setTimeout(resolve, 250));

  it('notices a socket an SDK client opens, unawaited, a moment later (the check can fail)', async () => {
    const client = new DynamoDBClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    void client.send(new ListTablesCommand({})).catch(() => undefined);
    await settled();
    expect(connects).toHaveLength(1);
    connects.length = 0;
    client.destroy();
  });

  it.each(Object.keys(lambdaEntries) as EntryName[])('%s opens no socket', async (name) => {
    const file = new URL(`../../functions/${lambdaEntries[name].file}`, import.meta.url).href;
    const module = (await import(/* @vite-ignore */ file)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
    await settled();
    expect(connects).toEqual([]);
  });
});
