import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { personIndexName, tableDesign } from '../../functions/adapters/dynamo/table-design';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { ensureTable } from '../../local/table';

const client = new DynamoDBClient({ ...localAwsSettings, endpoint: inject('dynamoDbEndpoint') });
const created: string[] = [];
const freshName = () => {
  const name = `dropin-table-test-${randomUUID().slice(0, 8)}`;
  created.push(name);
  return name;
};

afterAll(async () => {
  await Promise.allSettled(created.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
  client.destroy();
});

describe('ensureTable against DynamoDB Local', () => {
  it('creates the table from tableDesign, and a second run changes nothing', async () => {
    const tableName = freshName();

    const first = await ensureTable(client, tableName);
    const second = await ensureTable(client, tableName);

    expect([first, second]).toEqual(['created', 'unchanged']);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: tableDesign.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: tableDesign.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      ['GSI1', personIndexName].sort(),
    );
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
        name: index.IndexName,
        keys: index.KeySchema?.map((key) => key.AttributeName),
        projection: index.Projection?.ProjectionType,
      })),
    ).toEqual(
      tableDesign.globalIndexes.map((index) => ({
        name: index.indexName,
        keys: [index.partitionKey.name, index.sortKey.name],
        projection: 'ALL',
      })),
    );
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    expect(TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: tableDesign.timeToLiveAttribute,
    });
  });

  it('brings a table made from an older design (no GSIs, no stream, no TTL) up to date', async () => {
    const tableName = freshName();
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    const outcome = await ensureTable(client, tableName);

    expect(outcome).toBe('updated');
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      tableDesign.globalIndexes.map((index) => index.indexName).sort(),
    );
    expect(Table?.StreamSpecification?.StreamEnabled).toBe(true);
    expect(await ensureTable(client, tableName)).toBe('unchanged');
  });

  it('adds the person index to a table of the design before it (GSI1 only)', async () => {
    const tableName = freshName();
    const gsi1 = tableDesign.globalIndexes.find((index) => index.indexName === 'GSI1');
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
          { AttributeName: 'GSI1PK', AttributeType: 'S' },
          { AttributeName: 'GSI1SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'GSI1',
            KeySchema: [
              { AttributeName: gsi1?.partitionKey.name ?? 'GSI1PK', KeyType: 'HASH' },
              { AttributeName: gsi1?.sortKey.name ?? 'GSI1SK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );

    expect(await ensureTable(client, tableName)).toBe('updated');

    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      ['GSI1', personIndexName].sort(),
    );
    expect(await ensureTable(client, tableName)).toBe('unchanged');
  });

  it('is safe when two starts make the same table at once', async () => {
    const tableName = freshName();

    const outcomes = await Promise.all([ensureTable(client, tableName), ensureTable(client, tableName)]);

    expect(outcomes).toContain('created');
    expect(await ensureTable(client, tableName)).toBe('unchanged');
  });
});
