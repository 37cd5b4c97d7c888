import { DynamoMeetingMails } from '../adapters/dynamo/meeting-mails';
import { DynamoOutboxLedger } from '../adapters/dynamo/outbox-ledger';
import type { DeliveryPorts } from '../core/mailings/delivery';
import { applyMeetingChange, type MeetingMailPorts } from '../core/meetings/meeting-mails';
import { outboxComposer } from '../web/mail/composers';
import { tokens } from './keys';
import { mailer } from './mail';
import { once } from './once';
import { clock, config, siteUrl } from './process';
import { scheduler } from './scheduling';
import { suppressions } from './suppressions';
import { dynamo, tableName } from './table';

/** The delivery state of outbox entries: claims, outcomes, what is due. */
export const outboxLedger = once(() => new DynamoOutboxLedger(dynamo(), tableName));

/** A meeting changed: its reminder schedule moves and everyone registered is mailed. */
const meetingMails = once(
  (): MeetingMailPorts => ({
    store: new DynamoMeetingMails(dynamo(), tableName),
    clock,
    scheduler: scheduler(),
  }),
);

/**
 * Delivering outbox entries (the stream relay and the sweeper): mails are composed when sent, with the
 * signing key read on first use; jobs (a meeting changed) fan out to the mails they imply.
 */
export const delivery = once(
  (): DeliveryPorts => ({
    ledger: outboxLedger(),
    mailer,
    compose: outboxComposer(async () => ({
      tokens: await tokens(),
      siteUrl,
      organiserAddress: config.MAIL_FROM_ADDRESS,
      calendarDomain: new URL(siteUrl).hostname,
    })),
    suppressions: suppressions(),
    runJob: (job) => applyMeetingChange(meetingMails(), job),
    clock,
  }),
);
