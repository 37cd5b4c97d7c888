/**
 * The SES sending allowance, offline: what the emulator lacks. SES refuses a mail sent faster than the
 * account's `MaxSendRate` (429 TooManyRequestsException, "Maximum sending rate exceeded.") and one over the
 * `Max24HourSend` quota (LimitExceededException, "Daily message quota exceeded."), and `GetAccount` tells the
 * allowance and how much of the day's quota is used. The proxy (ses-proxy.ts) asks this before it passes a
 * mail on, and answers GetAccount from it, so a sender paced to SES meets the same limits offline.
 */

export interface AccountSettings {
  /** Mails per second; SES counts per recipient. Default 14 (a new production account). */
  readonly maxSendRate: number;
  /** Mails per rolling 24 hours; -1 for no limit. Default 50,000. */
  readonly max24HourSend: number;
  /** False in the SES sandbox. Default true. */
  readonly productionAccessEnabled: boolean;
  /** False when sending is paused for the account. Default true. */
  readonly sendingEnabled: boolean;
}

export const defaultAccountSettings: AccountSettings = {
  maxSendRate: 14,
  max24HourSend: 50_000,
  productionAccessEnabled: true,
  sendingEnabled: true,
};

export type AllowanceRefusal =
  | 'TooManyRequestsException'
  | 'LimitExceededException'
  | 'SendingPausedException';

const day = 24 * 3600 * 1000;

/**
 * Counts accepted mails. The rate is held per rolling second: at most `maxSendRate` mails within any 1000 ms
 * (SES's own limit is not published more exactly; a rolling window is the strict reading, so a sender that
 * passes here passes there). The count of the last 24 hours is kept as one timestamp per mail: offline
 * volumes are small.
 */
export class SendAllowance {
  #settings: AccountSettings;
  #lastSecond: number[] = [];
  #lastDay: number[] = [];

  constructor(
    settings: Partial<AccountSettings> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.#settings = { ...defaultAccountSettings, ...settings };
  }

  get settings(): AccountSettings {
    return this.#settings;
  }

  /** Changes the allowance from now on (the control path, tests, the benchmark). */
  configure(settings: Partial<AccountSettings>): AccountSettings {
    this.#settings = { ...this.#settings, ...settings };
    return this.#settings;
  }

  /** Takes room for `recipients` mails now, or says which limit refuses them (and takes nothing). */
  take(recipients: number): AllowanceRefusal | undefined {
    const now = this.now();
    this.#forget(now);
    if (!this.#settings.sendingEnabled) return 'SendingPausedException';
    const quota = this.#settings.max24HourSend;
    if (quota >= 0 && this.#lastDay.length + recipients > quota) return 'LimitExceededException';
    if (this.#lastSecond.length + recipients > this.#settings.maxSendRate) return 'TooManyRequestsException';
    for (let i = 0; i < recipients; i++) {
      this.#lastSecond.push(now);
      this.#lastDay.push(now);
    }
    return undefined;
  }

  /** Mails accepted in the last 24 hours, as GetAccount's `SentLast24Hours`. */
  sentLast24Hours(): number {
    this.#forget(this.now());
    return this.#lastDay.length;
  }

  /** The body of GetAccount (SES v2), as far as the system reads it. */
  account(): Record<string, unknown> {
    const { maxSendRate, max24HourSend, productionAccessEnabled, sendingEnabled } = this.#settings;
    return {
      DedicatedIpAutoWarmupEnabled: false,
      EnforcementStatus: 'HEALTHY',
      ProductionAccessEnabled: productionAccessEnabled,
      SendingEnabled: sendingEnabled,
      SendQuota: {
        Max24HourSend: max24HourSend,
        MaxSendRate: maxSendRate,
        SentLast24Hours: this.sentLast24Hours(),
      },
    };
  }

  #forget(now: number): void {
    while (this.#lastSecond.length > 0 && (this.#lastSecond[0] ?? 0) <= now - 1000) this.#lastSecond.shift();
    while (this.#lastDay.length > 0 && (this.#lastDay[0] ?? 0) <= now - day) this.#lastDay.shift();
  }
}
