import { mailRateWindowSeconds } from '../retention';

/** At most this many mails per address per rolling hour go out on a person's own request. */
export const mailsPerAddressPerHour = 3;

/** Mails sent to one address in the current rolling hour (epoch seconds), with the version read. */
export interface MailRate {
  readonly sentAt: readonly number[];
  readonly version: number;
}

/** One more send, written conditionally on the version read, in the transaction that queues the mail. */
export interface MailRateChange {
  readonly previous: MailRate;
  readonly sentAt: readonly number[];
}

export const noMailsYet: MailRate = { sentAt: [], version: 0 };

/** The mail rate after one more send, or undefined when the address has had its share this hour. */
export const nextMailRate = (rate: MailRate, now: Date): MailRateChange | undefined => {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const recent = rate.sentAt.filter((at) => at > nowSeconds - mailRateWindowSeconds);
  if (recent.length >= mailsPerAddressPerHour) return undefined;
  return { previous: rate, sentAt: [...recent, nowSeconds] };
};
