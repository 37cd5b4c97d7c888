import { randomUUID } from 'node:crypto';
import {
  GetAccountCommand,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { SendAllowance } from '../../local/engines/ses-allowance';
import { type SesProxy, sesAccountPath, startSesProxy } from '../../local/engines/ses-proxy';

/**
 * The offline SES allowance: the proxy refuses mail over the rate and the day's quota as SES does, so the
 * SDK names the errors as in AWS, and GetAccount tells the allowance and the day's use.
 */
let proxy: SesProxy;
let client: SESv2Client;
const run = randomUUID().slice(0, 8);
let serial = 0;

beforeAll(async () => {
  proxy = await startSesProxy({
    upstream: inject('sesEndpoint'),
    port: 0,
    publish: async () => undefined,
    log: () => undefined,
    allowance: { maxSendRate: 5, max24HourSend: 12 },
  });
  // As a sender that keeps its own timetable: no SDK retries.
  client = new SESv2Client({ ...localAwsSettings, endpoint: proxy.endpoint, maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await proxy?.stop();
});

const send = () =>
  client
    .send(
      new SendEmailCommand({
        FromEmailAddress: 'Drop In <nieuws@dropin.example.org>',
        Destination: { ToAddresses: [`limiet+${run}-${++serial}@example.org`] },
        Content: { Simple: { Subject: { Data: 'Limiet' }, Body: { Text: { Data: 'Hallo' } } } },
      }),
    )
    .then(
      () => 'sent',
      (error: unknown) =>
        error instanceof SESv2ServiceException ? `${error.name}: ${error.message}` : String(error),
    );

describe('the offline SES allowance', () => {
  it('refuses mail over the rate as SES does, tells the use in GetAccount, and refuses over the quota', async () => {
    const first = await Promise.all(Array.from({ length: 8 }, send));
    expect(first.filter((outcome) => outcome === 'sent')).toHaveLength(5);
    expect(first.filter((outcome) => outcome !== 'sent')).toEqual(
      Array(3).fill('TooManyRequestsException: Maximum sending rate exceeded.'),
    );

    const account = await client.send(new GetAccountCommand({}));
    expect(account.SendQuota).toEqual({ Max24HourSend: 12, MaxSendRate: 5, SentLast24Hours: 5 });
    expect(account.ProductionAccessEnabled).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect(await Promise.all(Array.from({ length: 5 }, send))).toEqual(Array(5).fill('sent'));
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    // 10 of 12 used: two more, then the day is full.
    const last = await Promise.all(Array.from({ length: 3 }, send));
    expect(last.filter((outcome) => outcome === 'sent')).toHaveLength(2);
    expect(last).toContain('LimitExceededException: Daily message quota exceeded.');
  });

  it('is changed on its control path: a paused account sends nothing', async () => {
    const paused = await fetch(`${proxy.endpoint}${sesAccountPath}`, {
      method: 'POST',
      body: JSON.stringify({ sendingEnabled: false, max24HourSend: -1 }),
    });
    expect(paused.status).toBe(200);
    expect(await send()).toMatch(/^SendingPausedException/);
    expect(
      (await fetch(`${proxy.endpoint}${sesAccountPath}`, { method: 'POST', body: '{"maxSendRate":-1}' }))
        .status,
    ).toBe(400);
    await fetch(`${proxy.endpoint}${sesAccountPath}`, { method: 'POST', body: '{"sendingEnabled":true}' });
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect(await send()).toBe('sent');
  });
});

describe('the allowance in count-only mode', () => {
  it('refuses nothing, counts every acceptance and what SES would have refused, on the control path', async () => {
    const counting = await startSesProxy({
      upstream: inject('sesEndpoint'),
      port: 0,
      publish: async () => undefined,
      log: () => undefined,
      allowance: { maxSendRate: 2, max24HourSend: 100, enforce: false },
    });
    const countingClient = new SESv2Client({
      ...localAwsSettings,
      endpoint: counting.endpoint,
      maxAttempts: 1,
    });
    const account = `${counting.endpoint}${sesAccountPath}`;
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () =>
          countingClient
            .send(
              new SendEmailCommand({
                FromEmailAddress: 'nieuws@dropin.example.org',
                Destination: { ToAddresses: [`telling+${run}-${++serial}@example.org`] },
                Content: { Simple: { Subject: { Data: 'Telling' }, Body: { Text: { Data: 'Hallo' } } } },
              }),
            )
            .then(() => 'sent'),
        ),
      );
      expect(outcomes).toEqual(Array(5).fill('sent'));
      const shown = (await (await fetch(account)).json()) as Record<string, unknown>;
      expect(shown).toMatchObject({
        enforce: false,
        sentLast24Hours: 5,
        counters: {
          accepted: 5,
          refused: { TooManyRequestsException: 0, LimitExceededException: 0, SendingPausedException: 0 },
          overLimit: { TooManyRequestsException: 3 },
        },
      });

      // Enforcing again: over the rate is refused and counted as refused; DELETE resets the counters.
      const enforced = await fetch(account, { method: 'POST', body: '{"enforce":true}' });
      expect(((await enforced.json()) as { enforce: boolean }).enforce).toBe(true);
      expect(counting.allowance?.take(1)).toBe('TooManyRequestsException');
      expect(counting.allowance?.counters().refused.TooManyRequestsException).toBe(1);
      const reset = await fetch(account, { method: 'DELETE' });
      expect(((await reset.json()) as { counters: { accepted: number } }).counters.accepted).toBe(0);
    } finally {
      countingClient.destroy();
      await counting.stop();
    }
  });
});

describe('the allowance itself', () => {
  it('counts only, when told: takes every mail and counts the limit each broke', () => {
    let now = 0;
    const allowance = new SendAllowance({ maxSendRate: 2, max24HourSend: 3, enforce: false }, () => now);
    expect([allowance.take(1), allowance.take(1), allowance.take(1)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    now = 1000;
    expect(allowance.take(1)).toBeUndefined();
    allowance.configure({ sendingEnabled: false });
    expect(allowance.take(2)).toBeUndefined();
    expect(allowance.counters()).toEqual({
      accepted: 6,
      refused: { TooManyRequestsException: 0, LimitExceededException: 0, SendingPausedException: 0 },
      overLimit: { TooManyRequestsException: 1, LimitExceededException: 1, SendingPausedException: 2 },
    });
    expect(allowance.sentLast24Hours()).toBe(6);
  });

  it('stays cheap at benchmark volumes: 100,000 mails at 1,000 a second, a day forgotten', () => {
    let now = 0;
    const allowance = new SendAllowance({ maxSendRate: 1_000, max24HourSend: -1 }, () => now);
    const started = performance.now();
    let refused = 0;
    for (let mail = 0; mail < 100_000; mail += 1) {
      now = mail; // one a millisecond: 1,000 a second
      if (allowance.take(1)) refused += 1;
      if (mail % 100 === 0) allowance.sentLast24Hours();
    }
    expect(refused).toBe(0);
    expect(allowance.sentLast24Hours()).toBe(100_000);
    now = 24 * 3600 * 1000 + 50_000;
    expect(allowance.sentLast24Hours()).toBe(49_999);
    expect(allowance.counters().accepted).toBe(100_000);
    // The former per-mail array with shift() took over a second for this; the queues well under 0.2 s.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('holds the rate over any rolling second and forgets the day after 24 hours', () => {
    let now = 0;
    const allowance = new SendAllowance({ maxSendRate: 2, max24HourSend: 3 }, () => now);
    expect([allowance.take(1), allowance.take(1), allowance.take(1)]).toEqual([
      undefined,
      undefined,
      'TooManyRequestsException',
    ]);
    now = 999;
    expect(allowance.take(1)).toBe('TooManyRequestsException');
    now = 1000;
    expect(allowance.take(1)).toBeUndefined();
    now = 2000;
    expect(allowance.take(1)).toBe('LimitExceededException');
    expect(allowance.sentLast24Hours()).toBe(3);
    now = 24 * 3600 * 1000 + 1;
    expect(allowance.sentLast24Hours()).toBe(1); // the one at 1000 ms is not a day old yet
    now = 24 * 3600 * 1000 + 1001;
    expect(allowance.sentLast24Hours()).toBe(0);
    expect(allowance.take(2)).toBeUndefined();
  });
});
