import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxPut } from '../../functions/adapters/dynamo/outbox';
import { DynamoSendLedger } from '../../functions/adapters/dynamo/send-ledger';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { deliveryLeaseSeconds, type OutboxMail } from '../../functions/core/mailings/outbox';
import { mailHeader } from '../../local/engines/ses-emulator';
import { createLambdaContext } from '../../local/http/lambda-context';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  // ERROR: the relay's expected retries (a busy claim) would otherwise print warnings.
  system = await startTestSystem({ logLevel: 'ERROR' });
});
afterAll(() => system?.stop());

const newMail = (): OutboxMail => ({
  mailId: `mail-${randomUUID()}`,
  kind: 'subscription-welcome',
  recipient: {
    personId: `person-${randomUUID().slice(0, 12)}`,
    address: `welkom-${randomUUID().slice(0, 8)}@example.org`,
    name: 'Noor Bakker',
  },
  data: {},
  createdAt: new Date().toISOString(),
});

/** The state change and its outbox mail in one transaction, as a use case writes them. */
const commitWithOutboxMail = async (mail: OutboxMail): Promise<void> => {
  await system.documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: system.tableName,
            Item: { ...keys.subscription(mail.recipient.personId), entity: 'Subscription', status: 'active' },
          },
        },
        outboxPut(system.tableName, mail),
      ],
    }),
  );
};

const ledgerOf = async (mail: OutboxMail) =>
  (
    await system.documentClient.send(
      new GetCommand({
        TableName: system.tableName,
        Key: keys.sendLedger(mail.mailId),
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

describe('the outbox relay on the local stream', () => {
  it('delivers an outbox mail committed in a transaction exactly once, with one-click unsubscribe', async () => {
    const mail = newMail();

    await commitWithOutboxMail(mail);

    const arrived = await arrivalOf(mail);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toHaveLength(1);
    expect(arrived.subject).toBe('Welkom bij Drop In: je aanmelding is bevestigd');
    expect(arrived.body.html).toContain('Beste Noor Bakker,');
    const unsubscribe = mailHeader(arrived, 'List-Unsubscribe');
    expect(unsubscribe).toMatch(new RegExp(`^<${system.baseUrl}/nieuwsbrief/afmelden\\?token=[^&>]+>$`));
    expect(mailHeader(arrived, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(await ledgerOf(mail)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('delivers a mail committed while the relay was down once it runs again, and resends none it sent before', async () => {
    const before = newMail();
    await commitWithOutboxMail(before);
    await arrivalOf(before);
    await system.outboxRelay.stop();
    const mail = newMail();

    await commitWithOutboxMail(mail);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toEqual([]);
    // A fresh relay reads the whole stream again, `before` included.
    await system.outboxRelay.start();

    await arrivalOf(mail);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toHaveLength(1);
    expect(await mailsTo(before)).toHaveLength(1);
  });
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

  it('skips a malformed item, stops at the first mail it cannot deliver and reports that one', async () => {
    await system.outboxRelay.stop();
    const { handler } = (await import('../../functions/handlers/outbox-relay')) as {
      handler: (event: DynamoDBStreamEvent, context: unknown) => Promise<DynamoDBBatchResponse>;
    };
    const [delivered, busy, after] = [newMail(), newMail(), newMail()];
    // Another consumer holds a live claim on `busy`.
    await new DynamoSendLedger(system.documentClient, system.tableName).claim(busy.mailId, new Date(), 60);
    const malformed = { ...outboxPut(system.tableName, newMail()).Put.Item, recipient: 'nobody' };
    const records = [
      insertOf(malformed, '101'),
      insertOf(outboxPut(system.tableName, delivered).Put.Item, '102'),
      insertOf(outboxPut(system.tableName, busy).Put.Item, '103'),
      insertOf(outboxPut(system.tableName, after).Put.Item, '104'),
    ];

    const response = await handler({ Records: records }, createLambdaContext('outboxRelay', 'eu-west-1'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '103' }] });
    await arrivalOf(delivered);
    await sleep(quietPeriodMs);
    expect(await mailsTo(busy)).toEqual([]);
    expect(await mailsTo(after)).toEqual([]);
    expect(await ledgerOf(after)).toBeUndefined();
    await system.outboxRelay.start();
  });
});

/**
 * A TCP server that takes SES requests and never answers: a consumer sending through it hangs inside
 * `SendEmail`, after its claim and before any mail exists, until it is killed.
 */
const startBlackHole = async (): Promise<{
  endpoint: string;
  requests: () => number;
  close(): Promise<void>;
}> => {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => {
      requests += 1;
    });
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

const relayProcessFile = fileURLToPath(new URL('../support/outbox-relay-process.ts', import.meta.url));

describe('a consumer that dies between the commit and the send', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('loses no mail and sends none twice: the next relay delivers it once the dead one’s lease is over', {
    timeout: (deliveryLeaseSeconds + 60) * 1000,
  }, async () => {
    await system.outboxRelay.stop();
    const blackHole = await startBlackHole();
    const mail = newMail();
    await commitWithOutboxMail(mail);

    // The handler environment of this system, with SES pointed into the black hole.
    let output = '';
    const relayProcess = spawn(process.execPath, ['--import', 'tsx', relayProcessFile], {
      env: { ...process.env, SES_ENDPOINT: blackHole.endpoint, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = relayProcess;
    relayProcess.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    relayProcess.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((resolve) => relayProcess.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (!(blackHole.requests() > 0 && (await ledgerOf(mail))?.state === 'sending')) {
      if (Date.now() > deadline || relayProcess.exitCode !== null) {
        throw new Error(`The relay process did not claim and start sending:\n${output}`);
      }
      await sleep(100);
    }

    relayProcess.kill('SIGKILL');
    await exited;
    await blackHole.close();
    expect(await mailsTo(mail)).toEqual([]);
    expect(await ledgerOf(mail)).toMatchObject({ state: 'sending', attempts: 1 });
    await system.outboxRelay.start();

    await arrivalOf(mail, (deliveryLeaseSeconds + 30) * 1000);
    await sleep(quietPeriodMs);
    expect(await mailsTo(mail)).toHaveLength(1);
    expect(await ledgerOf(mail)).toMatchObject({ state: 'sent', attempts: 2 });
  });
});
