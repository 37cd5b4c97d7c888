import { SesSendingAccount } from '../adapters/ses-account';
import type { SendingAccount } from '../core/mailings/recipients';
import { ses } from './ses';

/** The SES account's standing (GetAccount, `needs.sendingAccount`), on the mailer's client. */
export const sendingAccount: SendingAccount = {
  standing: async () => new SesSendingAccount((await ses()).client).standing(),
};
