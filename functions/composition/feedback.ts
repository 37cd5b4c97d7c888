import type { FeedbackPorts } from '../core/mailings/suppression';
import { mailingProgress } from './mailing-progress';
import { mailingRecipients } from './mailing-sending';
import { outboxLedger } from './outbox-ledger';
import { personIds } from './person-ids';
import { suppressions } from './suppressions';

/** Applying SES events: the addresses they name are keyed with the secret. */
export const feedback = async (): Promise<FeedbackPorts> => ({
  suppressions: suppressions(),
  ledger: outboxLedger(),
  mailings: { recipients: mailingRecipients(), progress: mailingProgress() },
  personIds: await personIds(),
});
