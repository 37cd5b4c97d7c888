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
  /**
   * False: count only. Nothing is refused; a mail over a limit is accepted and counted under `overLimit`
   * (to measure a sender without disturbing it). Default true.
   */
  readonly enforce: boolean;
}

export const defaultAccountSettings: AccountSettings = {
  maxSendRate: 14,
  max24HourSend: 50_000,
  productionAccessEnabled: true,
  sendingEnabled: true,
  enforce: true,
};

export const allowanceRefusals = [
  'TooManyRequestsException',
  'LimitExceededException',
  'SendingPausedException',
] as const;
export type AllowanceRefusal = (typeof allowanceRefusals)[number];

/** What the allowance saw since it started (or its counters were reset), in mails (recipients). */
export interface AllowanceCounters {
  /** Mails accepted (in count-only mode those over a limit too). */
  readonly accepted: number;
  /** Mails refused, by the error SES answers. */
  readonly refused: Record<AllowanceRefusal, number>;
  /** Count-only mode: mails accepted that SES would have refused, by that error. */
  readonly overLimit: Record<AllowanceRefusal, number>;
}

const day = 24 * 3600 * 1000;

const noRefusals = (): Record<AllowanceRefusal, number> => ({
  TooManyRequestsException: 0,
  LimitExceededException: 0,
  SendingPausedException: 0,
});

/**
 * Mails by acceptance time, oldest first: a queue of (time, count) with a moving head, so taking and forgetting
 * are O(1) (amortised) however many mails a day holds; mails of the same millisecond share an entry.
 */
class TimeCounts {
  #times = new Float64Array(1024);
  #counts = new Uint32Array(1024);
  #head = 0;
  #tail = 0;
  #total = 0;

  get total(): number {
    return this.#total;
  }

  add(time: number, count: number): void {
    if (this.#tail > this.#head && this.#times[this.#tail - 1] === time) {
      this.#counts[this.#tail - 1] = (this.#counts[this.#tail - 1] ?? 0) + count;
    } else {
      if (this.#tail === this.#times.length) this.#makeRoom();
      this.#times[this.#tail] = time;
      this.#counts[this.#tail] = count;
      this.#tail += 1;
    }
    this.#total += count;
  }

  /** Forgets every entry at or before `time`. */
  forgetUpTo(time: number): void {
    while (this.#head < this.#tail && (this.#times[this.#head] ?? 0) <= time) {
      this.#total -= this.#counts[this.#head] ?? 0;
      this.#head += 1;
    }
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
  }

  #makeRoom(): void {
    const live = this.#tail - this.#head;
    // Moving the live part to the front is enough when at most half is in use; otherwise grow.
    const size = live * 2 <= this.#times.length ? this.#times.length : this.#times.length * 2;
    const times = new Float64Array(size);
    const counts = new Uint32Array(size);
    times.set(this.#times.subarray(this.#head, this.#tail));
    counts.set(this.#counts.subarray(this.#head, this.#tail));
    this.#times = times;
    this.#counts = counts;
    this.#head = 0;
    this.#tail = live;
  }
}

/**
 * Counts accepted mails. The rate is held per rolling second: at most `maxSendRate` mails within any 1000 ms
 * (SES's own limit is not published more exactly; a rolling window is the strict reading, so a sender that
 * passes here passes there). The mails of the last second and of the last 24 hours are queues of
 * (time, count), so a benchmark at 1,000 mails/s and a day of 100,000 mails cost no more per mail than a few.
 */
export class SendAllowance {
  #settings: AccountSettings;
  #lastSecond = new TimeCounts();
  #lastDay = new TimeCounts();
  #accepted = 0;
  #refused = noRefusals();
  #overLimit = noRefusals();

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

  /**
   * Takes room for `recipients` mails now, or says which limit refuses them (and takes nothing). In
   * count-only mode (`enforce: false`) it always takes them, and counts the limit they broke.
   */
  take(recipients: number): AllowanceRefusal | undefined {
    const now = this.now();
    this.#forget(now);
    const refusal = this.#refusal(recipients);
    if (refusal && this.#settings.enforce) {
      this.#refused[refusal] += recipients;
      return refusal;
    }
    if (refusal) this.#overLimit[refusal] += recipients;
    this.#lastSecond.add(now, recipients);
    this.#lastDay.add(now, recipients);
    this.#accepted += recipients;
    return undefined;
  }

  /** Mails accepted in the last 24 hours, as GetAccount's `SentLast24Hours`. */
  sentLast24Hours(): number {
    this.#forget(this.now());
    return this.#lastDay.total;
  }

  counters(): AllowanceCounters {
    return { accepted: this.#accepted, refused: { ...this.#refused }, overLimit: { ...this.#overLimit } };
  }

  resetCounters(): void {
    this.#accepted = 0;
    this.#refused = noRefusals();
    this.#overLimit = noRefusals();
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

  #refusal(recipients: number): AllowanceRefusal | undefined {
    if (!this.#settings.sendingEnabled) return 'SendingPausedException';
    const quota = this.#settings.max24HourSend;
    if (quota >= 0 && this.#lastDay.total + recipients > quota) return 'LimitExceededException';
    if (this.#lastSecond.total + recipients > this.#settings.maxSendRate) return 'TooManyRequestsException';
    return undefined;
  }

  #forget(now: number): void {
    this.#lastSecond.forgetUpTo(now - 1000);
    this.#lastDay.forgetUpTo(now - day);
  }
}
