import type { Clock, Mailer } from '../ports';

/**
 * Pacing of mass mail to the SES allowance (docs/architecture.md, "Sending a mailing"). Not "sleep after
 * each send", which loses the send's own latency and reaches about half the allowed rate, but a timetable:
 * send k may start at t0 + k / rate, whatever the earlier sends are doing, with a few sends in flight. Every
 * mailing sending at once draws its slots from the one timetable. Transactional mail (confirmations,
 * reminders: the outbox relay) is never held up for a newsletter: it is counted per second as it goes, and
 * what it takes beyond its reserve moves the timetable on by as many slots, so that together they keep to
 * the allowance.
 */

/** What SES allows this account (GetAccount's SendQuota), and how much of it mass mail may take. */
export interface SendAllowance {
  /** Mails per second (`MaxSendRate`). */
  readonly maxSendRate: number;
  /** Share kept for transactional mail (confirmations, reminders), 0 to 1. Default 0.1. */
  readonly reserve?: number;
  /** A rate set by configuration instead of SES's, for a stage that must send slower. */
  readonly override?: number;
}

/** The rate mass mail may use: the allowance less the reserve, never below one mail per second. */
export const massMailRate = ({ maxSendRate, reserve = 0.1, override }: SendAllowance): number => {
  if (!(reserve >= 0 && reserve < 1)) throw new Error(`A reserve of ${reserve} is not a share below 1`);
  const base = override ?? maxSendRate;
  if (!(base > 0)) throw new Error(`A send rate of ${base} per second is not a rate`);
  return Math.max(1, base * (1 - reserve));
};

/**
 * What SES allows beyond mass mail's rate: what transactional mail may take in a second before mass mail
 * gives way. The reserve, or more when the rate is configured below SES's.
 */
export const transactionalRate = (allowance: SendAllowance): number =>
  Math.max(0, allowance.maxSendRate - massMailRate(allowance));

/**
 * Transactional mail as the allowance sees it: each send counted in its second (epoch seconds), so that the
 * mailing sender can tell what it took.
 */
export interface TransactionalSends {
  count(at: Date): Promise<void>;
  /** The count of each second from `fromSecond` up to, not including, `toSecond` that had sends. */
  perSecond(fromSecond: number, toSecond: number): Promise<readonly number[]>;
}

/**
 * A mailer for transactional mail: each send is counted against the allowance as it goes. The count runs
 * beside the send, never before it: a mail is not held up by it, nor lost when it fails (`countFailed` is
 * told; the mailing sender then sees one send fewer).
 */
export const countedAsTransactional = (
  mailer: Mailer,
  sends: Pick<TransactionalSends, 'count'>,
  clock: Clock,
  countFailed: (error: unknown) => void,
): Mailer => ({
  send: async (mail, options) => {
    const counting = sends.count(clock.now()).catch(countFailed);
    try {
      return await mailer.send(mail, options);
    } finally {
      await counting;
    }
  },
});

/**
 * One account's timetable. `take` hands out the next slot — the earliest moment a send may start — and
 * books it; slots are 1/rate apart and never earlier than now, so a pause (no takers) is not made up for
 * with a burst afterwards. A throttling answer from SES gives the slot back and moves the timetable on by
 * `backoffMs`, so the sends after it wait too instead of meeting the same limit.
 */
export class SendTimetable {
  #next: number;
  readonly #intervalMs: number;

  constructor(
    readonly ratePerSecond: number,
    startAtMs: number,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`A rate of ${ratePerSecond} per second is not a rate`);
    this.#intervalMs = 1000 / ratePerSecond;
    this.#next = startAtMs;
  }

  /** The moment the next send may start (ms since the epoch), booked for the caller. */
  take(nowMs: number): number {
    // Idle time is lost, not saved up: a slot is never before now.
    const slot = Math.max(this.#next, nowMs);
    this.#next = slot + this.#intervalMs;
    return slot;
  }

  /**
   * Other mail took `sends` of the account's slots (transactional mail beyond its reserve): the timetable
   * moves on by as many of its own.
   */
  giveWay(sends: number, nowMs: number): void {
    if (sends > 0) this.#next = Math.max(this.#next, nowMs) + sends * this.#intervalMs;
  }

  /** SES said "too fast": nothing starts before `nowMs + backoffMs`. */
  throttled(nowMs: number, backoffMs: number): void {
    this.#next = Math.max(this.#next, nowMs + backoffMs);
  }
}

/**
 * How many sends a sender keeps in flight so that the timetable, not the SES call's latency, sets the pace:
 * enough for a slow call (`slowSendMs`) at the full rate, and one more.
 */
export const sendsInFlight = (ratePerSecond: number, slowSendMs = 150): number =>
  Math.ceil((ratePerSecond * slowSendMs) / 1000) + 1;

/** The highest number of sends that started within any `windowMs` window, and the rate that makes. */
export const worstWindow = (
  startsMs: readonly number[],
  windowMs: number,
): { readonly count: number; readonly ratePerSecond: number } => {
  const sorted = [...startsMs].sort((a, b) => a - b);
  let count = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first++;
    count = Math.max(count, last - first + 1);
  }
  return { count, ratePerSecond: (count * 1000) / windowMs };
};
