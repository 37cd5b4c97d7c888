import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndexDescription,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  type TimeToLiveDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type GlobalIndexDesign,
  type KeyAttribute,
  tableDesign,
} from '../functions/adapters/dynamo/table-design';

export type TableOutcome = 'created' | 'updated' | 'unchanged';

const attributeDefinitions = (attributes: readonly KeyAttribute[]): AttributeDefinition[] => {
  const byName = new Map(attributes.map((attribute) => [attribute.name, attribute.type]));
  return [...byName].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
};

const indexKeyAttributes = (index: GlobalIndexDesign): KeyAttribute[] => [index.partitionKey, index.sortKey];

const globalIndex = (index: GlobalIndexDesign) => ({
  IndexName: index.indexName,
  KeySchema: [
    { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
    { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
});

const describe = async (client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

const isActive = (table: TableDescription | undefined): boolean =>
  table?.TableStatus === 'ACTIVE' &&
  (table.GlobalSecondaryIndexes ?? []).every(
    (index: GlobalSecondaryIndexDescription) => index.IndexStatus === 'ACTIVE',
  );

const waitUntilActive = async (client: DynamoDBClient, tableName: string): Promise<TableDescription> => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const table = await describe(client, tableName);
    if (table && isActive(table)) return table;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const hasIndex = (table: TableDescription, indexName: string): boolean =>
  (table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === indexName);

/** Rethrows a failed update unless another process made the same change meanwhile (two starts at once). */
const whenNotDoneMeanwhile =
  (client: DynamoDBClient, tableName: string, done: (table: TableDescription) => boolean) =>
  async (error: unknown): Promise<void> => {
    const latest = await describe(client, tableName);
    if (!latest || !done(latest)) throw error;
  };

const describeTimeToLive = async (client: DynamoDBClient, tableName: string) =>
  (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;

const hasDesignedTimeToLive = (description: TimeToLiveDescription | undefined): boolean =>
  description?.TimeToLiveStatus === 'ENABLED' &&
  description.AttributeName === tableDesign.timeToLiveAttribute;

/**
 * Makes the table match `tableDesign` (docs/architecture.md, "One table definition": the CDK table and this one come from the same
 * declaration): creates it when absent (keys, every GSI with ALL projection, on-demand, NEW_AND_OLD_IMAGES
 * stream), adds GSIs and the stream that a persisted `.data` table from an older design lacks, and enables
 * TTL. Idempotent; safe to run on every start.
 */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<TableOutcome> => {
  let outcome: TableOutcome = 'unchanged';
  let table = await describe(client, tableName);
  if (!table) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: attributeDefinitions([
            tableDesign.partitionKey,
            tableDesign.sortKey,
            ...tableDesign.globalIndexes.flatMap(indexKeyAttributes),
          ]),
          KeySchema: [
            { AttributeName: tableDesign.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: tableDesign.sortKey.name, KeyType: 'RANGE' },
          ],
          ...(tableDesign.globalIndexes.length > 0
            ? { GlobalSecondaryIndexes: tableDesign.globalIndexes.map(globalIndex) }
            : {}),
          BillingMode: 'PAY_PER_REQUEST',
          StreamSpecification: { StreamEnabled: true, StreamViewType: tableDesign.stream },
        }),
      );
      outcome = 'created';
    } catch (error) {
      // Another process created it between our describe and create: theirs is built from the same design.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  table = await waitUntilActive(client, tableName);

  // DynamoDB creates one GSI per UpdateTable call.
  const existing = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of tableDesign.globalIndexes.filter((candidate) => !existing.has(candidate.indexName))) {
    await client
      .send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: attributeDefinitions([
            tableDesign.partitionKey,
            tableDesign.sortKey,
            ...indexKeyAttributes(index),
          ]),
          GlobalSecondaryIndexUpdates: [{ Create: globalIndex(index) }],
        }),
      )
      .catch(whenNotDoneMeanwhile(client, tableName, (latest) => hasIndex(latest, index.indexName)));
    table = await waitUntilActive(client, tableName);
    outcome = outcome === 'created' ? outcome : 'updated';
  }

  if (!table.StreamSpecification?.StreamEnabled) {
    await client
      .send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: tableDesign.stream },
        }),
      )
      .catch(
        whenNotDoneMeanwhile(
          client,
          tableName,
          (latest) => latest.StreamSpecification?.StreamEnabled === true,
        ),
      );
    await waitUntilActive(client, tableName);
    outcome = outcome === 'created' ? outcome : 'updated';
  }

  const ttlDescription = await describeTimeToLive(client, tableName);
  if (!hasDesignedTimeToLive(ttlDescription)) {
    // TTL is on one attribute at a time: switch it off before moving it to the designed one.
    if (ttlDescription?.TimeToLiveStatus === 'ENABLED' && ttlDescription.AttributeName) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { Enabled: false, AttributeName: ttlDescription.AttributeName },
        }),
      );
    }
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { Enabled: true, AttributeName: tableDesign.timeToLiveAttribute },
        }),
      )
      .catch(async (error: unknown) => {
        // Another start enabled it between our describe and update.
        if (!hasDesignedTimeToLive(await describeTimeToLive(client, tableName))) throw error;
      });
    outcome = outcome === 'created' ? outcome : 'updated';
  }
  return outcome;
};
