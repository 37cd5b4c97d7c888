import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DynamoMailingRecipients,
  DynamoSendingProgress,
} from '../../functions/adapters/dynamo/mailing-recipients';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { DynamoTransactionalSends } from '../../functions/adapters/dynamo/transactional-sends';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { ensureTable } from '../../local/table';

/**
 * Two counts the mailing sender decides by, as the DynamoDB adapters keep them: SES's feedback per mailing
 * (counted once per recipient, however often SES delivers the event) and transactional mail per second.
 */

const dynamoDbClient = new DynamoDBClient({ ...localAwsSettings, endpoint: inject('dynamoDbEndpoint') });
const db = DynamoDBDocumentClient.from(dynamoDbClient);
const tableName = `dropin-mailing-counts-${randomUUID().slice(0, 8)}`;
const at = new Date('2027-03-28T00:59:59.500Z');

beforeAll(() => ensureTable(dynamoDbClient, tableName));
afterAll(async () => {
  await dynamoDbClient.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  dynamoDbClient.destroy();
});

describe("a mailing's feedback", () => {
  it('is counted once per recipient and kind, and marked on the recipient; unknown recipients count nothing', async () => {
    const recipients = new DynamoMailingRecipients(db, tableName);
    const progress = new DynamoSendingProgress(db, tableName);
    const members = ['p1', 'p2'].map((personId) => ({ personId, from: 'topics' as const }));
    await recipients.add('m1', members, at);

    const outcomes = [
      await progress.recordFeedback('m1', 'p1', 'delivery', at),
      await progress.recordFeedback('m1', 'p1', 'delivery', at), // SES redelivers the event
      await progress.recordFeedback('m1', 'p2', 'delivery', at),
      await progress.recordFeedback('m1', 'p1', 'complaint', at),
      await progress.recordFeedback('m1', 'p1', 'complaint', at),
      await progress.recordFeedback('m1', 'nobody', 'complaint', at),
    ];

    expect(outcomes).toEqual([true, false, true, true, false, false]);
    expect(await progress.get('m1')).toMatchObject({ deliveries: 2, complaints: 1 });
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.mailingRecipient('m1', 'p1'), ConsistentRead: true }),
    );
    expect(Item).toMatchObject({ deliveredAt: at.toISOString(), complainedAt: at.toISOString() });
    // No recipient item was made up for the unknown one.
    const { Item: nobody } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.mailingRecipient('m1', 'nobody') }),
    );
    expect(nobody).toBeUndefined();
  });
});

describe('transactional sends', () => {
  it('are counted in their second and read back second by second, the last one excluded', async () => {
    const sends = new DynamoTransactionalSends(db, tableName);
    const second = Math.floor(at.getTime() / 1000);
    const inSecond = (offset: number, ms = 0) => new Date((second + offset) * 1000 + ms);

    await Promise.all([
      sends.count(inSecond(0, 100)),
      sends.count(inSecond(0, 900)),
      sends.count(inSecond(1)),
      sends.count(inSecond(1, 999)),
      sends.count(inSecond(1, 999)),
      sends.count(inSecond(2)),
    ]);

    expect(await sends.perSecond(second, second + 1)).toEqual([2]);
    expect(await sends.perSecond(second, second + 2)).toEqual([2, 3]);
    expect(await sends.perSecond(second + 1, second + 3)).toEqual([3, 1]);
    expect(await sends.perSecond(second + 3, second + 10)).toEqual([]);
    expect(await sends.perSecond(second + 2, second + 2)).toEqual([]);
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.transactionalSends(second) }),
    );
    expect(Item).toMatchObject({ sends: 2, expiresAt: second + 3_600 });
  });
});
