import type { TestMailPorts } from '../core/mailings/test-mail';
import type { Mailer } from '../core/ports';
import { testMailRenderer } from '../web/mail/test-mail';
import { onceResolved } from './once';
import { personIds } from './person-ids';
import { config, siteUrl } from './process';
import { suppressions } from './suppressions';

/**
 * SES (`needs.mail`), loaded on the first send. One attempt per call, bounded in time: the delivery keeps its
 * own retry schedule (a throttled mail waits its backoff instead of holding the function), and a hung
 * connection cannot outlive the delivery's claim.
 */
/** The SES v2 module and client, loaded on first use and shared by the mailer and the account's standing. */
export const ses = onceResolved(async () => {
  const module = await import('../adapters/ses-mailer');
  const client = module.sesClient({
    region: config.AWS_REGION,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000 },
    ...(config.SES_ENDPOINT ? { endpoint: config.SES_ENDPOINT } : {}),
  });
  return { module, client };
});

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
