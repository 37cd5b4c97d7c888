import type { MailingTestSendPorts } from '../core/mailings/review';
import { mailingPreview } from './mailing-review';
import { mailingStore } from './mailing-store';
import { personIds } from './person-ids';
import { clock } from './process';
import { suppressions } from './suppressions';
import { transactionalMailer } from './transactional-mail';

/**
 * Test-sends go through SES as the organiser's test mail does, each address checked against suppression, and
 * count as transactional mail against the allowance.
 */
export const mailingTestSend = async (): Promise<MailingTestSendPorts> => ({
  ...mailingPreview(),
  store: mailingStore(),
  clock,
  mailer: transactionalMailer(),
  suppressions: suppressions(),
  personIds: await personIds(),
});
