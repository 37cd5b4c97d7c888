import {
  type DeliveryPorts,
  type DeliveryReport,
  deliverOutboxEntry,
  type OutboxRef,
} from '../core/mailings/delivery';
import { malformedOutboxMailMessage } from './dynamo/outbox';
import { logger } from './logger';
import { redactAddresses } from './redaction';

/**
 * The log lines of mail delivery that alarms are built on: the CDK turns each into a CloudWatch metric with a
 * metric filter on the delivering functions' log groups (lib/outbox-relay.ts), so the message texts live here
 * once, for the handlers that write them and the stack that watches them.
 */
export const deliveryLog = {
  /** A mail was given up on: SES rejected it, its composer failed on its data, or 24 h of retries ran out. */
  failed: 'Outbox mail failed',
  /** A delivery could not finish (SES account, throttling, infrastructure) and is tried again later. */
  postponed: 'Outbox delivery postponed',
  /** A mail to a suppressed address was not sent. */
  skipped: 'Outbox mail skipped: address suppressed',
  /** Written by every sweep, with the age of the oldest mail still waiting (0 when none waits). */
  backlog: 'Outbox backlog',
} as const;

/** The field of the `backlog` line that holds the age, in seconds, of the oldest mail not yet sent. */
export const oldestPendingAgeField = 'oldestPendingAgeSeconds';

/** What a delivery reports, logged with ids and outcomes only (never an address, name or token). */
export const logDelivery = (ref: OutboxRef, report: DeliveryReport): void => {
  const fields = {
    outboxId: ref.id,
    type: ref.type,
    kind: report.kind,
    outcome: report.outcome,
    ...(report.reason ? { reason: redactAddresses(report.reason) } : {}),
    ...(report.postponedAs ? { postponedAs: report.postponedAs } : {}),
    ...(report.problems ? { problems: report.problems } : {}),
  };
  switch (report.outcome) {
    case 'failed':
      logger.error(deliveryLog.failed, fields);
      return;
    case 'unreadable':
      logger.error(malformedOutboxMailMessage, fields);
      logger.error(deliveryLog.failed, fields);
      return;
    case 'postponed':
      logger.warn(deliveryLog.postponed, fields);
      return;
    case 'skipped':
      logger.info(deliveryLog.skipped, fields);
      return;
    default:
      logger.info('Outbox entry delivered', fields);
  }
};

/**
 * Delivers one entry and logs the outcome; never throws. An error here (the table unreachable while
 * claiming or recording) leaves the entry to the sweeper: still listed as unsettled, or claimed until its
 * lease ends.
 */
export const deliverAndLog = async (
  ports: DeliveryPorts,
  ref: OutboxRef,
  deadline: Date,
): Promise<DeliveryReport['outcome'] | 'error'> => {
  try {
    const report = await deliverOutboxEntry(ports, ref, deadline);
    logDelivery(ref, report);
    return report.outcome;
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    logger.error('Outbox delivery interrupted; the sweeper takes it up', {
      outboxId: ref.id,
      type: ref.type,
      errorName: failure.name,
      errorMessage: redactAddresses(failure.message),
    });
    return 'error';
  }
};
