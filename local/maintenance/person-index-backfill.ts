import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ItemKey,
  keys,
  type PersonListing,
  personEntryOf,
} from '../../functions/adapters/dynamo/table-design';

/**
 * The person-index backfill (docs/architecture.md, "The person index"): gives every item written before the
 * index existed its PersonPK / PersonSK, so one Query finds all of a person's records. A maintenance job run
 * by hand, once per table, after the writers that set the attributes are deployed: it Scans the whole base
 * table, which no request or job path ever does (no function is granted Scan).
 *
 * Which item names which person is `personEntryOf` in table-design.ts, the same rule the writers list items
 * by. Each item is updated only while it exists and has no listing yet, so the backfill never resurrects an
 * item deleted meanwhile (TTL, a cancellation) and never overwrites what a writer set. Its progress (the
 * Scan's LastEvaluatedKey) is stored in the table after every page: an interrupted run resumes where it
 * stopped, a finished one says so until it is restarted. Running it twice, or beside the live system, is
 * safe. Its updates are MODIFY stream records, which the outbox relay's filter (INSERT only) ignores.
 */

export const personIndexBackfill = 'person-index';

export interface BackfillOptions {
  /** Items per Scan page (the Scan's Limit). */
  readonly pageSize?: number;
  /** Stop after this many pages in this run; the next run resumes after them. */
  readonly maxPages?: number;
  /** Start again from the first page, even after a finished run. */
  readonly restart?: boolean;
  /** Told after every page, e.g. to print the progress. */
  readonly onPage?: (progress: BackfillProgress) => void;
  readonly now?: () => Date;
}

export interface BackfillProgress {
  /** Pages, items scanned and items given a listing, over every run since the (re)start. */
  readonly pages: number;
  readonly scanned: number;
  readonly listed: number;
  readonly done: boolean;
}

export interface BackfillReport extends BackfillProgress {
  /** done: every page seen; stopped: maxPages reached, run again to go on; already-done: nothing to do. */
  readonly outcome: 'done' | 'stopped' | 'already-done';
  /** Whether this run went on from where an earlier one stopped. */
  readonly resumed: boolean;
  /** Items given a listing by this run alone. */
  readonly listedNow: number;
}

interface StoredProgress extends BackfillProgress {
  readonly startKey?: Record<string, unknown>;
  readonly startedAt: string;
}

/** Updates in flight at once within a page: fast enough, and well below what throttles a table. */
const concurrency = 16;

const progressKey = (): ItemKey => keys.backfillProgress(personIndexBackfill);

export const backfillPersonIndex = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  {
    pageSize = 100,
    maxPages = Number.POSITIVE_INFINITY,
    restart = false,
    onPage,
    now = () => new Date(),
  }: BackfillOptions = {},
): Promise<BackfillReport> => {
  const stored = restart ? undefined : await readProgress(client, tableName);
  if (stored?.done) {
    const { pages, scanned, listed } = stored;
    return { pages, scanned, listed, done: true, outcome: 'already-done', resumed: false, listedNow: 0 };
  }

  let progress: StoredProgress = stored ?? {
    pages: 0,
    scanned: 0,
    listed: 0,
    done: false,
    startedAt: now().toISOString(),
  };
  let listedNow = 0;
  for (let pagesNow = 0; pagesNow < maxPages; pagesNow++) {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Limit: pageSize,
        ConsistentRead: true,
        // Only what says which person an item names, and whether it is listed already.
        ProjectionExpression:
          '#pk, #sk, #personId, #recipient.#personId, #job.#personId, #personPK, #gsi1pk, #suppressedAt',
        ExpressionAttributeNames: {
          '#pk': 'PK',
          '#sk': 'SK',
          '#personId': 'personId',
          '#recipient': 'recipient',
          '#job': 'job',
          '#personPK': 'PersonPK',
          '#gsi1pk': 'GSI1PK',
          '#suppressedAt': 'suppressedAt',
        },
        ...(progress.startKey ? { ExclusiveStartKey: progress.startKey } : {}),
      }),
    );
    const items = page.Items ?? [];
    let listed = 0;
    for (let from = 0; from < items.length; from += concurrency) {
      const outcomes = await Promise.all(
        items.slice(from, from + concurrency).map(async (item) => {
          await listSuppression(client, tableName, item);
          return listItem(client, tableName, item);
        }),
      );
      listed += outcomes.filter(Boolean).length;
    }
    listedNow += listed;
    const { startKey: _previous, ...rest } = progress;
    progress = {
      ...rest,
      pages: progress.pages + 1,
      scanned: progress.scanned + items.length,
      listed: progress.listed + listed,
      done: page.LastEvaluatedKey === undefined,
      ...(page.LastEvaluatedKey ? { startKey: page.LastEvaluatedKey } : {}),
    };
    await writeProgress(client, tableName, progress, now());
    onPage?.(progress);
    if (progress.done) break;
  }
  const { startKey: _startKey, startedAt: _startedAt, ...report } = progress;
  return {
    ...report,
    outcome: progress.done ? 'done' : 'stopped',
    resumed: stored !== undefined,
    listedNow,
  };
};

/**
 * Sets `values` on an item unless `guard` is set on it already or the item is gone: never resurrects an item
 * deleted since the Scan saw it, never overwrites what a writer set meanwhile. True when it set them.
 */
const setUnlessPresent = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  guard: string,
  values: Readonly<Record<string, unknown>>,
): Promise<boolean> => {
  const names = Object.keys(values);
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: `SET ${names.map((name) => `${name} = :${name}`).join(', ')}`,
        ConditionExpression: `attribute_exists(PK) AND attribute_not_exists(${guard})`,
        ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, values[name]])),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/** Gives one item its listing unless it has one or is gone; true when it was given one. */
const listItem = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
): Promise<boolean> => {
  if (item.PersonPK !== undefined) return false;
  const entry = personEntryOf(item);
  if (!entry) return false;
  const listing: PersonListing = keys.personListing(entry.personId, entry.kind, entry.ref);
  return setUnlessPresent(client, tableName, item, 'PersonPK', { ...listing });
};

/**
 * A suppression written before the admins' list existed gets its place in it (GSI1 `SUPPRESSIONS`, by its
 * time), so the list shows every suppression. Counted with nothing: it names the person it listed already.
 */
const listSuppression = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
): Promise<void> => {
  if (item.SK !== keys.suppression('').SK || item.GSI1PK !== undefined) return;
  const personId = String(item.PK).slice(keys.person('').PK.length);
  const suppressedAt = typeof item.suppressedAt === 'string' ? item.suppressedAt : new Date(0).toISOString();
  const listing = keys.suppressionListing(suppressedAt, personId);
  await setUnlessPresent(client, tableName, item, 'GSI1PK', { ...listing, personId });
};

const readProgress = async (
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<StoredProgress | undefined> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: progressKey(), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  return {
    pages: Number(Item.pages ?? 0),
    scanned: Number(Item.scanned ?? 0),
    listed: Number(Item.listed ?? 0),
    done: Item.done === true,
    startedAt: String(Item.startedAt ?? ''),
    ...(Item.startKey ? { startKey: Item.startKey as Record<string, unknown> } : {}),
  };
};

const writeProgress = (
  client: DynamoDBDocumentClient,
  tableName: string,
  progress: StoredProgress,
  at: Date,
) =>
  client.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...progressKey(),
        entity: 'BackfillProgress',
        ...progress,
        updatedAt: at.toISOString(),
        ...(progress.done ? { finishedAt: at.toISOString() } : {}),
      },
    }),
  );
