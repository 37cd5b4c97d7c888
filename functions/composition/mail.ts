import type { TestMailPorts } from '../core/mailings/test-mail';
import type { Mailer } from '../core/ports';
import { testMailRenderer } from '../web/mail/test-mail';
import { onceResolved } from './once';
import { personIds } from './person-ids';
import { config, siteUrl } from './process';
import { ses } from './ses';
import { suppressions } from './suppressions';

/** The mailer (`needs.mail`) on the shared SES client, built on the first send. */
const sesMailer = onceResolved(async () => {
  const { module, client } = await ses();
  return new module.SesMailer(client, {
    fromAddress: config.MAIL_FROM_ADDRESS,
    fromName: config.MAIL_FROM_NAME,
    ...(config.MAIL_REPLY_TO ? { replyTo: config.MAIL_REPLY_TO } : {}),
    ...(config.SES_CONFIGURATION_SET ? { configurationSet: config.SES_CONFIGURATION_SET } : {}),
  });
});

export const mailer: Mailer = {
  send: async (mail, options) => (await sesMailer()).send(mail, options),
};

/** The organiser's test mail: the address is keyed to check the suppression list. */
export const testMail = async (): Promise<TestMailPorts> => ({
  mailer,
  render: testMailRenderer(siteUrl),
  suppressions: suppressions(),
  personIds: await personIds(),
});
