import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxPut } from '../../functions/adapters/dynamo/outbox';
import { keys } from '../../functions/adapters/dynamo/table-design';
import type { SesEventBridgeEvent } from '../../functions/adapters/ses/events';
import type { OutboxMail } from '../../functions/core/mailings/outbox';
import { PersonIds } from '../../functions/core/people/person-id';
import { createLambdaContext } from '../../local/http/lambda-context';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
let personIds: PersonIds;
beforeAll(async () => {
  system = await startTestSystem({ logLevel: 'ERROR' });
  personIds = new PersonIds(process.env.TOKEN_SECRET ?? '');
});
afterAll(() => system?.stop());

const run = randomUUID().slice(0, 8);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const mailTo = (address: string): OutboxMail => ({
  mailId: `mail-${randomUUID()}`,
  kind: 'subscription-welcome',
  recipient: { personId: personIds.of(address), address, name: 'Sam' },
  data: {},
  createdAt: new Date().toISOString(),
});

const commit = (mail: OutboxMail) =>
  system.documentClient.send(
    new TransactWriteCommand({ TransactItems: [outboxPut(system.tableName, mail)] }),
  );

const itemOf = async (key: { PK: string; SK: string }) =>
  (
    await system.documentClient.send(
      new GetCommand({ TableName: system.tableName, Key: key, ConsistentRead: true }),
    )
  ).Item;

const waitFor = async <T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
): Promise<T> => {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
};

describe('the suppression list, fed by SES events', () => {
  it.each([
    ['a hard bounce', `bounce+${run}@simulator.amazonses.com`, 'hard-bounce'],
    ['a complaint', `complaint+${run}@simulator.amazonses.com`, 'complaint'],
  ])(
    'suppresses on %s from the mailbox simulator; the next mail is skipped and recorded',
    async (_, address, reason) => {
      const personId = personIds.of(address);
      await commit(mailTo(address));

      const suppression = await waitFor(() => itemOf(keys.suppression(personId)), Boolean, 'the suppression');
      expect(suppression).toMatchObject({ entity: 'Suppression', reason });
      expect(JSON.stringify(suppression)).not.toContain('simulator');
      const next = mailTo(address);
      await commit(next);

      const settled = await waitFor(
        () => itemOf(keys.outboxMail(next.mailId)),
        (item) => item?.state === 'skipped',
        'the skip',
      );
      expect(settled).toMatchObject({ state: 'skipped', skipReason: 'suppressed' });
      expect(await system.mailbox.to(address)).toHaveLength(1);
    },
    30_000,
  );

  it('applies a redelivered event once: three soft bounces suppress, the same one thrice does not', async () => {
    const { handler } = (await import('../../functions/handlers/ses-events')) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const address = `zacht-${run}@example.org`;
    const personId = personIds.of(address);
    const softBounce = (feedbackId: string): SesEventBridgeEvent => ({
      id: randomUUID(),
      'detail-type': 'Email Bounced',
      source: 'aws.ses',
      time: new Date().toISOString(),
      detail: {
        eventType: 'Bounce',
        mail: {
          messageId: `ses-${feedbackId}`,
          timestamp: new Date().toISOString(),
          destination: [address],
          tags: {},
        },
        bounce: {
          feedbackId,
          bounceType: 'Transient',
          bounceSubType: 'MailboxFull',
          bouncedRecipients: [{ emailAddress: address }],
          timestamp: new Date().toISOString(),
        },
      },
    });
    const invoke = (event: SesEventBridgeEvent) =>
      handler(event, createLambdaContext('sesEvents', 'eu-west-1'));
    const once = softBounce(`soft-1-${run}`);

    for (let delivery = 0; delivery < 3; delivery++) await invoke(once);

    expect(await itemOf(keys.softBounces(personId))).toMatchObject({ count: 1 });
    expect(await itemOf(keys.suppression(personId))).toBeUndefined();

    await invoke(softBounce(`soft-2-${run}`));
    await invoke(softBounce(`soft-3-${run}`));

    expect(await itemOf(keys.suppression(personId))).toMatchObject({ reason: 'soft-bounces' });
    const markers = await system.documentClient.send(
      new QueryCommand({
        TableName: system.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :feedback)',
        ExpressionAttributeValues: { ':pk': keys.personItems(personId).PK, ':feedback': 'FEEDBACK#' },
        ConsistentRead: true,
      }),
    );
    expect(markers.Items).toHaveLength(3);
  });

  it('refuses an unreadable SES event loudly, so it ends in the dead-letter queue instead of vanishing', async () => {
    const { handler } = (await import('../../functions/handlers/ses-events')) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };

    await expect(
      handler(
        { source: 'aws.ses', detail: { eventType: 'Bounce' } },
        createLambdaContext('sesEvents', 'eu-west-1'),
      ),
    ).rejects.toThrow(/Unreadable SES event/);
  });
});
