import { DynamoMeetingMails } from '../adapters/dynamo/meeting-mails';
import type { DeliveryPorts } from '../core/mailings/delivery';
import { promoteWaiting } from '../core/meetings/lifecycle';
import { applyMeetingChange, type MeetingMailPorts } from '../core/meetings/meeting-mails';
import { runRegistrationRequest } from '../core/meetings/registration-requests';
import { outboxComposer } from '../web/mail/composers';
import { tokens } from './keys';
import { meetingLifecycle } from './meeting-lifecycle';
import { registrationRequests } from './meeting-registrations';
import { once } from './once';
import { outboxLedger } from './outbox-ledger';
import { calendarDomain, clock, config, siteUrl } from './process';
import { scheduler } from './scheduling';
import { suppressions } from './suppressions';
import { dynamo, tableName } from './table';
import { transactionalMailer } from './transactional-mail';

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
 * link keyring read on first use; jobs fan out to the mails they imply (a meeting changed) or promote the
 * people waiting for seats a capacity raise freed. Each send is
 * counted against the SES allowance, so a mailing sending meanwhile gives way (core/mailings/pacing.ts).
 */
export const delivery = once(
  (): DeliveryPorts => ({
    ledger: outboxLedger(),
    mailer: transactionalMailer(),
    compose: outboxComposer(async () => ({
      tokens: await tokens(),
      siteUrl,
      organiserAddress: config.MAIL_FROM_ADDRESS,
      calendarDomain,
    })),
    suppressions: suppressions(),
    runJob: async (job) => {
      switch (job.kind) {
        case 'meeting-changed':
          return applyMeetingChange(meetingMails(), job);
        case 'waiting-list-promotion':
          await promoteWaiting(meetingLifecycle(), job.meetingId);
          return;
        case 'registration-requested':
          return runRegistrationRequest(registrationRequests(), job);
      }
    },
    clock,
  }),
);
