import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxPut, pendingListingKey } from '../../functions/adapters/dynamo/outbox';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { DynamoTransactionalSends } from '../../functions/adapters/dynamo/transactional-sends';
import type { OutboxMail } from '../../functions/core/mailings/outbox';
import { mailHeader } from '../../local/engines/ses-emulator';
import { createLambdaContext } from '../../local/http/lambda-context';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  // ERROR: postponed deliveries (the throttling below) would otherwise print warnings.
  system = await startTestSystem({ logLevel: 'ERROR' });
});
afterAll(() => system?.stop());

const run = randomUUID().slice(0, 8);

const newMail = (label = 'welkom', overrides: Partial<OutboxMail> = {}): OutboxMail => ({
  mailId: `mail-${randomUUID()}`,
  kind: 'subscription-welcome',
  recipient: {
    personId: `person-${randomUUID().slice(0, 12)}`,
    address: `${label}-${run}-${randomUUID().slice(0, 8)}@example.org`,
    name: 'Noor Bakker',
  },
  data: {},
  createdAt: new Date().toISOString(),
  ...overrides,
});

/** The state changes and their outbox mails in one transaction, as a use case writes them. */
const commitWithOutboxMails = async (...mails: OutboxMail[]): Promise<void> => {
  await system.documentClient.send(
    new TransactWriteCommand({
      TransactItems: mails.flatMap((mail) => [
        {
          Put: {
            TableName: system.tableName,
            Item: { ...keys.subscription(mail.recipient.personId), entity: 'Subscription', status: 'active' },
          },
        },
        outboxPut(system.tableName, mail),
      ]),
    }),
  );
};

const entryOf = async (mail: OutboxMail) =>
  (
    await system.documentClient.send(
      new GetCommand({
        TableName: system.tableName,
        Key: keys.outboxMail(mail.mailId),
        ConsistentRead: true,
      }),
    )
  ).Item;

const mailsTo = (mail: OutboxMail) => system.mailbox.to(mail.recipient.address);
const arrivalOf = (mail: OutboxMail, timeoutMs = 10_000) =>
  system.mailbox.waitFor((stored) => stored.destination.to.includes(mail.recipient.address), { timeoutMs });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for a second, wrong delivery to arrive: several of the relay's polls and an SES round trip. */
const quietPeriodMs = 1_500;

const waitUntil = async (condition: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
};

/** Time passes for a claim: its lease and the wait for SES's Send event are over (instead of 3 minutes). */
const expireClaim = async (mail: OutboxMail): Promise<void> => {
  const past = new Date(Date.now() - 1_000);
  await system.documentClient.send(
    new UpdateCommand({
      TableName: system.tableName,
      Key: keys.outboxMail(mail.mailId),
      UpdateExpression: 'SET dueAt = :past, GSI1SK = :listing',
      ConditionExpression: '#state = :sending',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':past': past.toISOString(),
        ':listing': pendingListingKey(past, mail.mailId).GSI1SK,
        ':sending': 'sending',
      },
    }),
  );
};

describe('the outbox relay on the local stream', () => {
  it('delivers an outbox mail committed in a transaction exactly once, with one-click unsubscribe', async () => {
    const mail = newMail();
    const transactional = new DynamoTransactionalSends(system.documentClient, system.tableName);
    const from = Math.floor(Date.now() / 1000);

    await commitWithOutboxMails(mail);

    const arrived = await arrivalOf(mail);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toHaveLength(1);
    // Counted against the SES allowance as transactional mail, so a mailing sending meanwhile gives way.
    const counted = await transactional.perSecond(from, Math.floor(Date.now() / 1000) + 1);
    expect(counted.reduce((sum, sends) => sum + sends, 0)).toBeGreaterThanOrEqual(1);
    expect(arrived.subject).toBe('Welkom bij Drop In: je aanmelding is bevestigd');
    expect(arrived.body.html).toContain('Beste Noor Bakker,');
    const unsubscribe = mailHeader(arrived, 'List-Unsubscribe');
    expect(unsubscribe).toMatch(new RegExp(`^<${system.baseUrl}/nieuwsbrief/afmelden\\?token=[^&>]+>$`));
    expect(mailHeader(arrived, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(await entryOf(mail)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(await entryOf(mail)).not.toHaveProperty('GSI1PK');
    // The ledger record stays (core/retention.ts); the content it was rendered from left with the send.
    expect(await entryOf(mail)).toMatchObject({ recipient: { personId: mail.recipient.personId } });
    expect(JSON.stringify(await entryOf(mail))).not.toContain(mail.recipient.address);
    expect(await entryOf(mail)).not.toHaveProperty('data');
  });

  it('delivers a mail committed while the relay was down once it runs again, and resends none it sent before', async () => {
    const before = newMail();
    await commitWithOutboxMails(before);
    await arrivalOf(before);
    await system.outboxRelay.stop();
    const mail = newMail();

    await commitWithOutboxMails(mail);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toEqual([]);
    // A fresh relay reads the whole stream again, `before` included.
    await system.outboxRelay.start();

    await arrivalOf(mail);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toHaveLength(1);
    expect(await mailsTo(before)).toHaveLength(1);
  });

  it('records a mail SES rejects and a mail whose composer fails as failed, and the 20 behind them arrive', async () => {
    const rejected = newMail('afgewezen');
    system.sesProxy.faults.add({ kind: 'error', error: 'MessageRejected', recipients: `afgewezen-${run}` });
    // A registration mail without its meeting: its composer cannot render it.
    const unrenderable = newMail('onleesbaar', { kind: 'registration-confirmed', data: {} });
    const behind = Array.from({ length: 20 }, () => newMail('erachter'));
    const started = Date.now();

    await commitWithOutboxMails(rejected, unrenderable, ...behind.slice(0, 10));
    await commitWithOutboxMails(...behind.slice(10));

    await Promise.all(behind.map((mail) => arrivalOf(mail, 60_000)));
    expect(Date.now() - started).toBeLessThan(60_000);
    await waitUntil(
      async () =>
        (await entryOf(rejected))?.state === 'failed' && (await entryOf(unrenderable))?.state === 'failed',
      10_000,
      'both to be recorded failed',
    );
    expect(await entryOf(rejected)).toMatchObject({
      failure: expect.stringContaining('MessageRejected'),
      GSI1PK: 'OUTBOX#failed',
      attempts: 1,
    });
    expect((await entryOf(unrenderable))?.failure).toContain('has no meetingId');
    expect(await mailsTo(rejected)).toEqual([]);
    const failed = await system.outboxLedger.list('failed', 50);
    expect(failed.map((entry) => entry.id)).toEqual(
      expect.arrayContaining([rejected.mailId, unrenderable.mailId]),
    );
    // Never tried again: a sweep leaves them alone.
    await system.outboxSweeper.sweepNow();
    expect((await entryOf(rejected))?.attempts).toBe(1);
  }, 70_000);

  it('delivers a mail whose stream record never reached the relay through the sweeper, exactly once', async () => {
    const mail = newMail('gemist');
    system.outboxRelay.lose((record) => JSON.stringify(record.dynamodb?.Keys).includes(mail.mailId));

    await commitWithOutboxMails(mail);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toEqual([]);

    await arrivalOf(mail, 30_000);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toHaveLength(1);
    expect(await entryOf(mail)).toMatchObject({ state: 'sent', attempts: 1 });
    system.outboxRelay.lose(undefined);
  }, 40_000);

  it('keeps mails pending while SES throttles for 10 s, marks none failed, and delivers all after it', async () => {
    const mails = Array.from({ length: 5 }, () => newMail('gedrosseld'));
    system.sesProxy.faults.add({
      kind: 'error',
      error: 'TooManyRequestsException',
      recipients: `gedrosseld-${run}`,
      forMs: 10_000,
    });

    await commitWithOutboxMails(...mails);
    await waitUntil(
      async () =>
        (await Promise.all(mails.map(entryOf))).every((entry) => entry?.lastError?.reason === 'account'),
      8_000,
      'every mail to be postponed for the account',
    );
    expect((await Promise.all(mails.map(entryOf))).map((entry) => entry?.state)).not.toContain('failed');
    expect((await Promise.all(mails.map(mailsTo))).flat()).toEqual([]);

    await Promise.all(mails.map((mail) => arrivalOf(mail, 45_000)));
    await sleep(quietPeriodMs);
    for (const mail of mails) {
      expect(await mailsTo(mail)).toHaveLength(1);
      expect((await entryOf(mail))?.state).toBe('sent');
    }
  }, 60_000);
});

describe('the outboxRelay handler', () => {
  /** A stream record of an inserted item, as Lambda delivers it. */
  const insertOf = (item: Record<string, unknown>, sequenceNumber: string): DynamoDBRecord => ({
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    eventVersion: '1.1',
    dynamodb: {
      Keys: marshall({ PK: item.PK, SK: item.SK }) as never,
      NewImage: marshall(item, { removeUndefinedValues: true }) as never,
      SequenceNumber: sequenceNumber,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });

  it('never fails a batch: a malformed entry is failed, a busy one left to its holder, the rest delivered', async () => {
    await system.outboxRelay.stop();
    await system.outboxSweeper.stop();
    const { handler } = (await import('../../functions/handlers/outbox-relay')) as {
      handler: (event: DynamoDBStreamEvent, context: unknown) => Promise<DynamoDBBatchResponse>;
    };
    const [malformed, busy, after] = [newMail(), newMail(), newMail()];
    await commitWithOutboxMails(busy, after);
    await system.documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              ...outboxPut(system.tableName, malformed).Put,
              Item: { ...outboxPut(system.tableName, malformed).Put.Item, recipient: 'nobody' },
            },
          },
        ],
      }),
    );
    // Another consumer holds a live claim on `busy`.
    await system.outboxLedger.claim({ id: busy.mailId, type: 'mail' }, new Date());
    const records = [malformed, busy, after].map((mail, index) =>
      insertOf(keys.outboxMail(mail.mailId) as never, String(101 + index)),
    );

    const response = await handler({ Records: records }, createLambdaContext('outboxRelay', 'eu-west-1'));

    expect(response).toEqual({ batchItemFailures: [] });
    await arrivalOf(after);
    expect(await entryOf(malformed)).toMatchObject({
      state: 'failed',
      failure: expect.stringContaining('recipient'),
    });
    expect(await entryOf(busy)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(await mailsTo(busy)).toEqual([]);
    await system.outboxRelay.start();
    await system.outboxSweeper.start();
  });
});

const relayProcessFile = fileURLToPath(new URL('../support/outbox-relay-process.ts', import.meta.url));

/**
 * A relay in a process of its own, sending through this file's SES proxy; resolves once SES has accepted
 * `mail` (the proxy holds the answer back), so the test can kill the process between SES's accept and the
 * write that records it.
 */
const startDoomedRelay = async (mail: OutboxMail): Promise<ChildProcess> => {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', relayProcessFile], {
    env: { ...process.env, LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`The relay process ended:\n${output}`);
      return (await mailsTo(mail)).length > 0;
    },
    30_000,
    'the relay process to send',
  );
  return child;
};

const kill = async (child: ChildProcess) => {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};

describe('a delivery that dies after SES accepted its mail and before recording it', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('is settled by SES’s Send event: the mail is not sent again', async () => {
    await system.outboxRelay.stop();
    await system.outboxSweeper.stop();
    const mail = newMail('twijfel');
    system.sesProxy.faults.add({ kind: 'hold-response', recipients: mail.recipient.address });
    await commitWithOutboxMails(mail);

    const child = await startDoomedRelay(mail);
    children.push(child);
    await system.sesProxy.idle();
    await kill(child);

    expect(await entryOf(mail)).toMatchObject({ state: 'sent', settledBy: 'ses-send-event' });
    expect(await entryOf(mail)).not.toHaveProperty('recipient.address');
    await system.outboxSweeper.sweepNow();
    await system.outboxRelay.start();
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toHaveLength(1);
  }, 45_000);

  it('without a Send event, is sent once more after the lease and the wait, and recorded as a resend', async () => {
    await system.outboxRelay.stop();
    await system.outboxSweeper.stop();
    const mail = newMail('zonder-bericht');
    system.sesProxy.faults.add({ kind: 'hold-response', recipients: mail.recipient.address, count: 1 });
    system.sesProxy.faults.add({
      kind: 'withhold-events',
      events: ['Send'],
      recipients: mail.recipient.address,
    });
    await commitWithOutboxMails(mail);

    const child = await startDoomedRelay(mail);
    children.push(child);
    await system.sesProxy.idle();
    await kill(child);
    expect(await entryOf(mail)).toMatchObject({ state: 'sending', attempts: 1 });

    // While the claim is live (or its Send event may still come) nobody sends.
    await system.outboxSweeper.sweepNow();
    expect(await mailsTo(mail)).toHaveLength(1);
    await expireClaim(mail);
    const sweep = await system.outboxSweeper.sweepNow();

    expect(sweep.outcomes.resent).toBe(1);
    expect(await mailsTo(mail)).toHaveLength(2);
    expect(await entryOf(mail)).toMatchObject({ state: 'sent', attempts: 2, resends: 1 });
    await system.outboxRelay.start();
    await system.outboxSweeper.start();
  }, 45_000);
});

describe('the outbox ledger', () => {
  it('lets no stale delivery record a mail sent over the claim that replaced it', async () => {
    const mail = newMail('verouderd');
    await system.outboxRelay.stop();
    await commitWithOutboxMails(mail);
    const ref = { id: mail.mailId, type: 'mail' } as const;
    const stale = await system.outboxLedger.claim(ref, new Date());
    await expireClaim(mail);
    const current = await system.outboxLedger.claim(ref, new Date());
    if (stale.outcome !== 'claimed' || current.outcome !== 'claimed') throw new Error('not claimed');

    const staleWrite = await system.outboxLedger.complete(stale.claim, new Date(), 'ses-stale');

    expect(staleWrite).toBe('superseded');
    expect(await entryOf(mail)).toMatchObject({ state: 'sending', claimId: current.claim.claimId });
    expect(current.claim.resend).toBe(true);
    expect(await system.outboxLedger.complete(current.claim, new Date(), 'ses-current')).toBe('done');
    expect(await entryOf(mail)).toMatchObject({ state: 'sent', messageId: 'ses-current', resends: 1 });
    await system.outboxRelay.start();
  });
});
