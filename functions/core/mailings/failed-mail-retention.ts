import type { Clock } from '../ports';
import { failedMailContentCutoff } from '../retention';

/**
 * A failed mail keeps its content (address, name, the data it was rendered from) while it is listed as failed,
 * so people can see what went wrong and with what; after that period (core/retention.ts) its content goes and
 * it leaves the list, while its ledger record (who, which mail, when, why it failed) stays for the ledger's
 * year. The nightly retention job runs this: a TTL cannot remove attributes.
 */

export interface FailedMailContent {
  /**
   * Removes the content of the mails that failed before `failedBefore` and unlists them; conditional on each
   * still being failed and listed, so a second run changes nothing. Returns how many it changed.
   */
  forgetFailedBefore(failedBefore: Date): Promise<number>;
}

export interface FailedMailRetentionPorts {
  readonly failedMails: FailedMailContent;
  readonly clock: Clock;
}

export const forgetContentOfOldFailedMails = (ports: FailedMailRetentionPorts): Promise<number> =>
  ports.failedMails.forgetFailedBefore(failedMailContentCutoff(ports.clock.now()));
