import type { MailingTestSendPorts } from '../core/mailings/review';
import { mailer } from './mail';
import { mailingPreview } from './mailing-review';
import { mailingStore } from './mailing-store';
import { personIds } from './person-ids';
import { clock } from './process';
import { suppressions } from './suppressions';

/** Test-sends go through SES as the organiser's test mail does, each address checked against suppression. */
export const mailingTestSend = async (): Promise<MailingTestSendPorts> => ({
  ...mailingPreview(),
  store: mailingStore(),
  clock,
  mailer,
  suppressions: suppressions(),
  personIds: await personIds(),
});
