import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import {
  malformedOutboxMailMessage,
  outboxMailFromImage,
  outboxStreamFilter,
} from '../adapters/dynamo/outbox';
import { matchesEventFilter } from '../adapters/event-filter';
import { logger } from '../adapters/logger';
import { redactAddresses } from '../adapters/redaction';
import { app } from '../composition';
import { DeliveryBusy, deliverOutboxMail } from '../core/mailings/outbox';

const ports = {
  ledger: app.sendLedger,
  mailer: app.mailer,
  compose: app.composeOutboxMail,
  clock: app.clock,
};

/**
 * The table stream's consumer (DESIGN.md decision 7), in AWS behind an event source mapping filtered to new
 * outbox mails, offline behind local/relay. Records are delivered in stream order; at the first failure the
 * batch stops and reports that record, so Lambda retries from it (the records before it are done).
 *
 * A record that is not a readable outbox mail is logged (ids only) and skipped rather than failed: its
 * image is fixed in the stream, so no retry can make it readable, and failing it would hold up every later
 * mail on the shard until the retries run out. The log line has its own alarm.
 */
const deliverInOrder = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of event.Records) {
    // The event source filter lets only these through; the check guards against a wider filter.
    if (!matchesEventFilter(outboxStreamFilter, record)) continue;
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    const reading = outboxMailFromImage(record.dynamodb?.NewImage);
    if (!reading.ok) {
      const { mailId, kind, problems } = reading;
      logger.error(malformedOutboxMailMessage, { mailId, kind, sequenceNumber, problems });
      continue;
    }
    const { mailId, kind } = reading.mail;
    try {
      const outcome = await deliverOutboxMail(ports, reading.mail);
      logger.info('Outbox mail delivered', { mailId, kind, outcome });
    } catch (error) {
      logFailure(error, { mailId, kind, sequenceNumber });
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
};

const logFailure = (error: unknown, ids: { mailId: string; kind: string; sequenceNumber: string }): void => {
  if (error instanceof DeliveryBusy) {
    logger.warn('Outbox mail is being delivered elsewhere; retrying later', ids);
    return;
  }
  const failure = error instanceof Error ? error : new Error(String(error));
  logger.error('Outbox mail delivery failed; retrying from it', {
    ...ids,
    errorName: failure.name,
    errorMessage: redactAddresses(failure.message),
    stack: failure.stack ? redactAddresses(failure.stack) : undefined,
  });
};

/** The records' images hold addresses: the event itself is never logged, whatever POWERTOOLS_LOGGER_LOG_EVENT says. */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { logEvent: false }))
  .handler(deliverInOrder);
