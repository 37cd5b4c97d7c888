import type { SendingControlPorts } from '../core/mailings/sending-control';
import { mailingProgress } from './mailing-progress';
import { mailingRecipients, scheduledStart } from './mailing-sending';
import { once } from './once';
import { scheduler } from './scheduling';
import { sendingAccount } from './sending-account';

/** What organisers do with a written mailing: send, schedule, pause, resume, cancel, retry the failed. */
export const sendingControl = once(
  (): SendingControlPorts => ({
    ...scheduledStart(),
    scheduler: scheduler(),
    account: sendingAccount,
    recipients: mailingRecipients(),
    progress: mailingProgress(),
  }),
);
