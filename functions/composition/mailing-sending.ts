import {
  DynamoAudienceCounter,
  DynamoAudienceSource,
  DynamoRecipientChecks,
} from '../adapters/dynamo/mailing-audience';
import { DynamoMailingRecipients, DynamoSenderLease } from '../adapters/dynamo/mailing-recipients';
import type { ScheduledStartPorts } from '../core/mailings/sending-control';
import { mailingStore } from './mailing-store';
import { once } from './once';
import { clock, config } from './process';
import { dynamo, tableName } from './table';

/** A mailing's recipients (its send ledger), its audience and the sender's lease, in the table. */
export const mailingRecipients = once(() => new DynamoMailingRecipients(dynamo(), tableName));
export const audienceCounter = once(() => new DynamoAudienceCounter(dynamo(), tableName));
export const audienceSource = once(() => new DynamoAudienceSource(dynamo(), tableName));
export const recipientChecks = once(() => new DynamoRecipientChecks(dynamo(), tableName, clock));
export const senderLease = once(() => new DynamoSenderLease(dynamo(), tableName));

/** A scheduled mailing's start (the scheduled-jobs function): the audience is counted for four eyes. */
export const scheduledStart = once(
  (): ScheduledStartPorts => ({
    store: mailingStore(),
    counter: audienceCounter(),
    clock,
    fourEyesThreshold: config.FOUR_EYES_THRESHOLD,
  }),
);
