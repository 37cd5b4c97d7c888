import { setTimeout as delay } from 'node:timers/promises';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type AttributeValue,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  Handler,
  AttributeValue as LambdaAttributeValue,
} from 'aws-lambda';
import { type EventFilterPattern, matchesEventFilter } from '../../functions/adapters/event-filter';
import { redactAddresses } from '../../functions/adapters/redaction';
import type { EntryName } from '../../functions/entries';
import { localAwsSettings } from '../engines/dynamodb-local';
import { createLambdaContext, entryTimeoutMs } from '../http/lambda-context';
import { type HandlerLoader, localRegion } from '../runtime';

/**
 * The offline stand-in for a Lambda event source mapping on a DynamoDB stream: it reads DynamoDB Local's
 * stream of a table shard by shard (a child shard after its parent, as Lambda does), turns each stream record
 * into the record Lambda delivers, keeps those that pass the mapping's filter, and invokes the entry's
 * handler with batches of them, in order. A batch item failure (or a thrown error, or a timeout) makes it
 * retry from that record with a growing delay; it never skips a record. It starts at TRIM_HORIZON, so a
 * restarted relay reads everything still in the stream again: its handlers must be safe to repeat.
 */

type StreamHandler = Handler<DynamoDBStreamEvent, DynamoDBBatchResponse | undefined>;

export interface TableStreamRelayOptions {
  /** DynamoDB Local, e.g. `http://127.0.0.1:8000`. */
  readonly endpoint: string;
  readonly tableName: string;
  /** The Lambda entry the records go to. */
  readonly entry: EntryName;
  readonly loadHandler: HandlerLoader;
  /** The event source mapping's filter: records that fail it are passed over, as in AWS. */
  readonly filter: EventFilterPattern;
  /**
   * Records for which this returns true never reach the handler, as a record that expired in the stream or
   * went to the mapping's dead-letter queue never does in AWS. For fault tests; default none.
   */
  readonly lose?: (record: DynamoDBRecord) => boolean;
  /** Records per invocation at most. Default 10. */
  readonly batchSize?: number;
  /** Pause between reads of a shard that had nothing new. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** How often new shards are looked for. Default 1 s. */
  readonly shardDiscoveryIntervalMs?: number;
  /** The first retry's delay; each further one doubles it, up to `maxRetryDelayMs`. Default 250 ms. */
  readonly retryDelayMs?: number;
  /** Default 5 s. */
  readonly maxRetryDelayMs?: number;
  /** The region in the records and the Lambda context. Default eu-west-1 (DynamoDB Local says `ddblocal`). */
  readonly region?: string;
  /** Failures and retries, one line each, without addresses. Default console.error. */
  readonly log?: (line: string) => void;
}

export interface TableStreamRelay {
  readonly streamArn: string;
  /** Stops reading; waits for an invocation in progress. Safe to call twice. */
  stop(): Promise<void>;
}

export class StreamNotEnabled extends Error {
  constructor(tableName: string) {
    super(`Table ${tableName} has no stream enabled; ensureTable() enables it`);
  }
}

/** Lambda delivers binary attribute values base64-encoded in the JSON event. */
const toLambdaValue = (value: AttributeValue): LambdaAttributeValue => {
  // DynamoDB Local writes an empty map into its stream records as `{}` where DynamoDB writes `{"M":{}}`.
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((item) => Buffer.from(item).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new Error('Unknown attribute value type in a stream record');
};

const toLambdaImage = (image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));

/** A stream record as Lambda puts it into the event: epoch seconds, base64 binaries, the stream as source. */
export const toLambdaRecord = (record: StreamRecord, streamArn: string, region: string): DynamoDBRecord => {
  const stream = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime && {
        ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000),
      }),
      ...(stream.Keys && { Keys: toLambdaImage(stream.Keys) }),
      ...(stream.NewImage && { NewImage: toLambdaImage(stream.NewImage) }),
      ...(stream.OldImage && { OldImage: toLambdaImage(stream.OldImage) }),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    // TTL deletions carry the service as identity.
    ...(record.userIdentity && {
      userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId },
    }),
  };
};

/**
 * Where to go on after an invocation, as Lambda reads a partial batch response: `undefined` when the whole
 * batch is done (no response, or no failures), else the index of the first record to retry. A failure that
 * names no record of the batch counts as a failure of the whole batch.
 */
export const retryPoint = (batch: readonly DynamoDBRecord[], response: unknown): number | undefined => {
  const failures = (response as DynamoDBBatchResponse | undefined | null)?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return undefined;
  const indexes = failures.map((failure: { itemIdentifier?: unknown }) =>
    batch.findIndex(
      (record) =>
        typeof failure?.itemIdentifier === 'string' &&
        failure.itemIdentifier !== '' &&
        record.dynamodb?.SequenceNumber === failure.itemIdentifier,
    ),
  );
  return indexes.includes(-1) ? 0 : Math.min(...indexes);
};

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'Error');
const describeError = (error: unknown): string =>
  redactAddresses(error instanceof Error ? `${error.name}: ${error.message}` : String(error));

interface ShardProgress {
  readonly done: Promise<void>;
  readonly markDone: () => void;
}

/** Starts a relay on the table's latest stream; resolves once it reads, with the shards it found then. */
export const startTableStreamRelay = async (options: TableStreamRelayOptions): Promise<TableStreamRelay> => {
  const settings = { ...localAwsSettings, endpoint: options.endpoint };
  const dynamoDb = new DynamoDBClient(settings);
  let streamArn: string | undefined;
  try {
    const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: options.tableName }));
    streamArn = Table?.StreamSpecification?.StreamEnabled ? Table.LatestStreamArn : undefined;
  } finally {
    dynamoDb.destroy();
  }
  if (!streamArn) throw new StreamNotEnabled(options.tableName);
  const relay = new RunningTableStreamRelay(options, streamArn, new DynamoDBStreamsClient(settings));
  await relay.start();
  return { streamArn, stop: () => relay.stop() };
};

class RunningTableStreamRelay {
  readonly #shards = new Map<string, ShardProgress>();
  readonly #loops: Promise<void>[] = [];
  readonly #stopping = new AbortController();
  /** Resolves when the relay stops. */
  readonly #stoppingNow = new Promise<void>((resolve) =>
    this.#stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  #stopped: Promise<void> | undefined;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #region: string;
  readonly #log: (line: string) => void;

  constructor(
    private readonly options: TableStreamRelayOptions,
    private readonly streamArn: string,
    private readonly streams: DynamoDBStreamsClient,
  ) {
    this.#batchSize = options.batchSize ?? 10;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
    this.#region = options.region ?? localRegion;
    this.#log = options.log ?? ((line) => console.error(line));
  }

  get #isStopping(): boolean {
    return this.#stopping.signal.aborted;
  }

  async start(): Promise<void> {
    await this.#discoverShards();
    this.#loops.push(this.#keepDiscovering());
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort();
      await Promise.allSettled(this.#loops);
      this.streams.destroy();
    })();
    return this.#stopped;
  }

  /** Resolves after `ms`, or at once when the relay stops. */
  async #pause(ms: number): Promise<void> {
    await delay(ms, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
  }

  async #keepDiscovering(): Promise<void> {
    while (!this.#isStopping) {
      await this.#pause(this.options.shardDiscoveryIntervalMs ?? 1_000);
      if (this.#isStopping) return;
      await this.#discoverShards().catch((error: unknown) => {
        if (!this.#isStopping)
          this.#log(`${this.options.entry}: listing the stream's shards failed: ${describeError(error)}`);
      });
    }
  }

  async #listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({
          StreamArn: this.streamArn,
          ...(exclusiveStartShardId && { ExclusiveStartShardId: exclusiveStartShardId }),
        }),
        { abortSignal: this.#stopping.signal },
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return shards;
  }

  /** Registers every new shard first, then starts them: a child listed before its parent still waits for it. */
  async #discoverShards(): Promise<void> {
    const listed = await this.#listShards();
    const fresh = listed.filter((shard) => shard.ShardId && !this.#shards.has(shard.ShardId));
    for (const shard of fresh) {
      let markDone = () => {};
      const done = new Promise<void>((resolve) => {
        markDone = resolve;
      });
      this.#shards.set(shard.ShardId as string, { done, markDone });
    }
    for (const shard of fresh) {
      // A parent no longer listed has been trimmed: nothing of it is left to wait for.
      const parent = shard.ParentShardId ? this.#shards.get(shard.ParentShardId) : undefined;
      this.#loops.push(this.#relayShard(shard.ShardId as string, parent?.done));
    }
  }

  async #iterator(
    shardId: string,
    type: ShardIteratorType,
    sequenceNumber?: string,
  ): Promise<string | undefined> {
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequenceNumber && { SequenceNumber: sequenceNumber }),
      }),
      { abortSignal: this.#stopping.signal },
    );
    return ShardIterator;
  }

  /** One shard, in order: read, filter, invoke in batches, retry from a failed record until it succeeds. */
  async #relayShard(shardId: string, parentDone: Promise<void> | undefined): Promise<void> {
    const progress = this.#shards.get(shardId);
    if (parentDone) await Promise.race([parentDone, this.#stoppingNow]);
    let iterator: string | undefined;
    let lastRead: string | undefined;
    let started = false;
    let failures = 0;
    const pending: DynamoDBRecord[] = [];
    while (!this.#isStopping) {
      try {
        if (!started) {
          iterator = await this.#iterator(shardId, 'TRIM_HORIZON');
          started = true;
        }
        if (pending.length > 0) {
          const batch = pending.slice(0, this.#batchSize);
          const retryFrom = await this.#invoke(batch);
          if (retryFrom === undefined) {
            pending.splice(0, batch.length);
            failures = 0;
          } else {
            pending.splice(0, retryFrom);
            failures += 1;
            await this.#pause(this.#retryDelay(failures));
          }
          continue;
        }
        if (iterator === undefined) {
          // A closed shard, read to its end and every record delivered: its children may go on.
          progress?.markDone();
          return;
        }
        const page = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
          {
            abortSignal: this.#stopping.signal,
          },
        );
        iterator = page.NextShardIterator;
        for (const record of page.Records ?? []) {
          lastRead = record.dynamodb?.SequenceNumber ?? lastRead;
          const delivered = toLambdaRecord(record, this.streamArn, this.#region);
          if (!matchesEventFilter(this.options.filter, delivered)) continue;
          if (this.options.lose?.(delivered)) {
            this.#log(`${this.options.entry}: record ${delivered.dynamodb?.SequenceNumber} lost on purpose`);
            continue;
          }
          pending.push(delivered);
        }
        if ((page.Records ?? []).length === 0 && iterator !== undefined)
          await this.#pause(this.#pollIntervalMs);
      } catch (error) {
        if (this.#isStopping) return;
        const name = errorName(error);
        if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
          // Go on after the last record read; if that was trimmed meanwhile, from the oldest one left.
          iterator = await this.#iterator(
            shardId,
            lastRead && name === 'ExpiredIteratorException' ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
            name === 'ExpiredIteratorException' ? lastRead : undefined,
          ).catch(() => undefined);
          if (iterator === undefined) started = false;
          continue;
        }
        failures += 1;
        this.#log(`${this.options.entry}: reading shard ${shardId} failed: ${describeError(error)}`);
        await this.#pause(this.#retryDelay(failures));
      }
    }
  }

  #retryDelay(failures: number): number {
    const first = this.options.retryDelayMs ?? 250;
    return Math.min(first * 2 ** (failures - 1), this.options.maxRetryDelayMs ?? 5_000);
  }

  /** One invocation as Lambda makes it, within the entry's timeout; returns where to retry from, if anywhere. */
  async #invoke(batch: readonly DynamoDBRecord[]): Promise<number | undefined> {
    const { entry } = this.options;
    const timeoutMs = entryTimeoutMs(entry);
    let timer: NodeJS.Timeout | undefined;
    try {
      const handler = await this.options.loadHandler<StreamHandler>(entry);
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)),
          timeoutMs,
        );
      });
      // A fresh copy per invocation, as each Lambda invocation parses its own event.
      const event: DynamoDBStreamEvent = { Records: structuredClone([...batch]) };
      const response = await Promise.race([
        handler(event, createLambdaContext(entry, this.#region), () => undefined),
        timedOut,
      ]);
      const retryFrom = retryPoint(batch, response);
      if (retryFrom !== undefined) {
        const failed = batch[retryFrom]?.dynamodb?.SequenceNumber;
        this.#log(`${entry}: record ${failed} of a batch of ${batch.length} failed; retrying from it`);
      }
      return retryFrom;
    } catch (error) {
      this.#log(`${entry} failed on a batch of ${batch.length}; retrying it: ${describeError(error)}`);
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }
}
