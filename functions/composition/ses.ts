import { onceResolved } from './once';
import { config } from './process';

/**
 * SES (`needs.mail`, `needs.sendingAccount`): the v2 module and client, loaded on first use and shared by the
 * mailer and the account's standing. One attempt per call, bounded in time: the delivery and the mailing
 * sender keep their own retry schedules (a throttled mail waits instead of holding the function), and a hung
 * connection cannot outlive a claim.
 */
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
