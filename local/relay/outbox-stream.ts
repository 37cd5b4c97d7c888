import { outboxStreamFilter } from '../../functions/adapters/dynamo/outbox';
import { entriesWithTrigger } from '../../functions/entries';
import type { HandlerLoader } from '../runtime';
import { startTableStreamRelay, type TableStreamRelay, type TableStreamRelayOptions } from './table-stream';

/**
 * The outbox relay offline (docs/architecture.md, "Mail delivery"): what the CDK builds for every entry with
 * `trigger: 'outbox-stream'` — an event source mapping on the table's stream with the outbox filter, batches
 * of 10, partial batch responses — done by reading DynamoDB Local's stream. `npm start` and the test system
 * run it before the site opens; a restart reads the stream again from its oldest record, and the send ledger
 * keeps that from sending any mail twice.
 */

/** The entries the table's stream invokes, as in lib/: today `outboxRelay`. */
export const outboxStreamEntries = entriesWithTrigger('outbox-stream');

export interface OutboxRelayOptions
  extends Omit<TableStreamRelayOptions, 'entry' | 'filter' | 'batchSize' | 'loadHandler'> {
  /** Imports the handlers; the handler environment must be set before the first record arrives. */
  readonly loadHandler: HandlerLoader;
}

export interface OutboxRelay {
  /** Stops reading (an invocation in progress finishes first). Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts one stream relay per outbox-stream entry; resolves when all of them read the stream. */
export const startOutboxRelay = async (options: OutboxRelayOptions): Promise<OutboxRelay> => {
  const starts = await Promise.allSettled(
    outboxStreamEntries.map((entry) =>
      startTableStreamRelay({ ...options, entry, filter: outboxStreamFilter, batchSize: 10 }),
    ),
  );
  const relays = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  const stop = async () => {
    await Promise.allSettled(relays.map((relay: TableStreamRelay) => relay.stop()));
  };
  const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { stop };
};
