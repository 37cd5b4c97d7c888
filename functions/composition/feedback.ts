import type { FeedbackPorts } from '../core/mailings/suppression';
import { outboxLedger } from './outbox-ledger';
import { personIds } from './person-ids';
import { suppressions } from './suppressions';

/** Applying SES events: the addresses they name are keyed with the secret. */
export const feedback = async (): Promise<FeedbackPorts> => ({
  suppressions: suppressions(),
  ledger: outboxLedger(),
  personIds: await personIds(),
});
