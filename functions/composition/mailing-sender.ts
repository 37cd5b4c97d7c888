import { setTimeout as delay } from 'node:timers/promises';
import type { SenderPorts, SenderSettings } from '../core/mailings/sender';
import { recipientMailComposer } from '../web/mail/mailing-recipient-mail';
import { tokens } from './keys';
import { mailer } from './mail';
import { mailingProgress } from './mailing-progress';
import { audienceSource, mailingRecipients, recipientChecks, senderLease } from './mailing-sending';
import { mailingStore } from './mailing-store';
import { onceResolved } from './once';
import { clock, config, siteUrl } from './process';
import { sendingAccount } from './sending-account';
import { transactionalSends } from './transactional-mail';

/** The mailing sender's ports: the table, SES (SendEmail with one attempt, GetAccount), the link keyring. */
export const senderPorts = onceResolved(
  async (): Promise<SenderPorts> => ({
    mailings: mailingStore(),
    recipients: mailingRecipients(),
    audience: audienceSource(),
    checks: recipientChecks(),
    progress: mailingProgress(),
    lease: senderLease(),
    account: sendingAccount,
    transactional: transactionalSends(),
    mailer,
    compose: recipientMailComposer({ tokens: await tokens(), siteUrl }),
    clock,
    sleep: (ms) => delay(ms),
  }),
);

/**
 * The sender's timing in AWS: the lease outlives a stalled minute; a claim covers a send (aborted after 25 s)
 * with room to record it; an in-doubt recipient waits a minute for SES's Send event before a resend; the
 * sender stops a minute before Lambda's 15-minute limit and the next minute's run takes over.
 */
export const senderSettings = (owner: string, overrides: Partial<SenderSettings> = {}): SenderSettings => ({
  owner,
  leaseMs: 90_000,
  claimMs: 30_000,
  sendEventWaitMs: 60_000,
  handOverMs: 60_000,
  reserve: config.MAILING_RATE_RESERVE,
  ...(config.MAILING_SEND_RATE !== undefined ? { rateOverride: config.MAILING_SEND_RATE } : {}),
  ...overrides,
});
