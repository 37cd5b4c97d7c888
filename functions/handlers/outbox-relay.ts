import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deliverAndLog } from '../adapters/delivery-log';
import { malformedOutboxMailMessage, outboxRefFromKeys, outboxStreamFilter } from '../adapters/dynamo/outbox';
import { matchesEventFilter } from '../adapters/event-filter';
import { logger, logInvocation } from '../adapters/logger';
import { delivery } from '../composition/delivery';

/**
 * The table stream's consumer, the fast path of delivery (docs/architecture.md, "Mail delivery"): in AWS
 * behind an event source mapping filtered to new outbox entries, offline behind local/relay. Each record's
 * entry is claimed and delivered, one after another, until the function's time runs short; whatever the
 * outcome (sent, failed, postponed, busy elsewhere, out of time), it is recorded on the entry and the next
 * record goes on. The batch never fails: the sweeper takes up anything left unsettled, so one bad mail
 * never holds up another and no retry of the stream is needed.
 */
const deliverNewEntries = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  const deadline = new Date(Date.now() + context.getRemainingTimeInMillis());
  for (const record of event.Records) {
    // The event source filter lets only these through; the check guards against a wider filter.
    if (!matchesEventFilter(outboxStreamFilter, record)) continue;
    const ref = outboxRefFromKeys(record.dynamodb?.Keys);
    if (!ref) {
      logger.error(malformedOutboxMailMessage, { sequenceNumber: record.dynamodb?.SequenceNumber });
      continue;
    }
    await deliverAndLog(delivery(), ref, deadline);
  }
  return { batchItemFailures: [] };
};

/** The records' images hold addresses: the event itself is never logged. */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(logInvocation())
  .handler(deliverNewEntries);
