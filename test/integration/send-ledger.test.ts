import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoSendLedger } from '../../functions/adapters/dynamo/send-ledger';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { ensureTable } from '../../local/table';

const client = new DynamoDBClient({ ...localAwsSettings, endpoint: inject('dynamoDbEndpoint') });
const documentClient = DynamoDBDocumentClient.from(client);
const tableName = `dropin-ledger-${randomUUID().slice(0, 8)}`;
const ledger = new DynamoSendLedger(documentClient, tableName);

beforeAll(() => ensureTable(client, tableName));
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  client.destroy();
});

const lease = 60;
const at = (iso: string) => new Date(iso);
const freshMailId = () => `mail-${randomUUID()}`;
const recordOf = async (mailId: string) =>
  (
    await documentClient.send(
      new GetCommand({ TableName: tableName, Key: keys.sendLedger(mailId), ConsistentRead: true }),
    )
  ).Item;

describe('DynamoSendLedger against DynamoDB Local', () => {
  it('lets the first claim through and answers "busy" to a second one during the lease', async () => {
    const mailId = freshMailId();

    const first = await ledger.claim(mailId, at('2027-03-28T00:59:30Z'), lease);
    const second = await ledger.claim(mailId, at('2027-03-28T01:00:29Z'), lease);

    expect([first, second]).toEqual(['claimed', 'busy']);
    expect(await recordOf(mailId)).toMatchObject({ state: 'sending', attempts: 1, entity: 'SendLedger' });
  });

  it('lets a claim through once the lease of a dead delivery is over, counting the attempt', async () => {
    const mailId = freshMailId();
    await ledger.claim(mailId, at('2027-10-31T01:00:00Z'), lease);

    const afterLease = await ledger.claim(mailId, at('2027-10-31T01:01:01Z'), lease);

    expect(afterLease).toBe('claimed');
    expect(await recordOf(mailId)).toMatchObject({ state: 'sending', attempts: 2 });
  });

  it('answers "sent" to every claim after markSent, however late', async () => {
    const mailId = freshMailId();
    await ledger.claim(mailId, at('2027-03-28T00:00:00Z'), lease);

    await ledger.markSent(mailId, 'ses-message-1', at('2027-03-28T00:00:01Z'));

    expect(await ledger.claim(mailId, at('2027-03-28T00:00:02Z'), lease)).toBe('sent');
    expect(await ledger.claim(mailId, at('2027-03-29T00:00:00Z'), lease)).toBe('sent');
    const record = await recordOf(mailId);
    expect(record).toMatchObject({
      state: 'sent',
      messageId: 'ses-message-1',
      sentAt: '2027-03-28T00:00:01.000Z',
    });
    expect(record?.leaseUntil).toBeUndefined();
  });

  it('after release, lets the next claim through at once; a stale release leaves a newer claim alone', async () => {
    const released = freshMailId();
    const claimedAt = at('2027-03-28T00:00:00Z');
    await ledger.claim(released, claimedAt, lease);
    await ledger.release(released, claimedAt, lease);
    expect(await ledger.claim(released, at('2027-03-28T00:00:01Z'), lease)).toBe('claimed');

    const taken = freshMailId();
    const staleAt = at('2027-03-28T00:00:00Z');
    await ledger.claim(taken, staleAt, lease);
    expect(await ledger.claim(taken, at('2027-03-28T00:01:01Z'), lease)).toBe('claimed');
    await ledger.release(taken, staleAt, lease);
    expect(await ledger.claim(taken, at('2027-03-28T00:01:02Z'), lease)).toBe('busy');
  });

  it('lets exactly one of 20 concurrent claims of one mail through', async () => {
    const mailId = freshMailId();
    const now = at('2027-03-28T02:30:00Z');

    const claims = await Promise.all(Array.from({ length: 20 }, () => ledger.claim(mailId, now, lease)));

    expect(claims.filter((claim) => claim === 'claimed')).toHaveLength(1);
    expect(claims.filter((claim) => claim === 'busy')).toHaveLength(19);
    expect(await recordOf(mailId)).toMatchObject({ attempts: 1 });
  });
});
