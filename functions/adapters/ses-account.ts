import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { AccountStanding, SendingAccount } from '../core/mailings/recipients';

/**
 * The SES account's standing from `GetAccount` (SES v2): the send rate and the day's quota, whether the
 * account left the sandbox, and whether sending is enabled. A suspended account (EnforcementStatus SHUTDOWN)
 * cannot send, like a paused one.
 */
export class SesSendingAccount implements SendingAccount {
  constructor(private readonly client: SESv2Client) {}

  async standing(): Promise<AccountStanding> {
    const account = await this.client.send(new GetAccountCommand({}));
    const quota = account.SendQuota;
    if (quota?.MaxSendRate === undefined || quota.Max24HourSend === undefined) {
      throw new Error('SES GetAccount returned no SendQuota');
    }
    return {
      maxSendRate: quota.MaxSendRate,
      max24HourSend: quota.Max24HourSend,
      sentLast24Hours: quota.SentLast24Hours ?? 0,
      productionAccessEnabled: account.ProductionAccessEnabled === true,
      sendingEnabled: account.SendingEnabled !== false && account.EnforcementStatus !== 'SHUTDOWN',
    };
  }
}
