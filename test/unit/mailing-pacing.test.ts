import { describe, expect, it } from 'vitest';
import {
  massMailRate,
  SendTimetable,
  sendsInFlight,
  worstWindow,
} from '../../functions/core/mailings/pacing';

/**
 * Pacing in virtual time: senders with a few sends in flight, each send taking 30–120 ms as SES calls do.
 * The figures the issue asks for under load come from the benchmark; here the timetable's own guarantees.
 */

/** A deterministic 30–120 ms latency sequence (a small LCG, so a failure reproduces). */
const latencies = (seed: number) => {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return 30 + (state % 91);
  };
};

interface Sender {
  /** When the next send of this worker may start, given it is free at `freeAt`. */
  readonly slot: (freeAt: number) => number;
  /** What the worker does after a send that ended at `endedAt`. */
  readonly after?: (endedAt: number) => number;
}

/**
 * Runs `workers` loops per sender until `count` sends started in all, in virtual time; returns the start
 * times per sender.
 */
const simulate = (senders: readonly Sender[], workers: number, count: number, seed = 7): number[][] => {
  const latency = latencies(seed);
  const starts: number[][] = senders.map(() => []);
  // Each worker: [sender index, the moment it is free].
  const free: Array<[number, number]> = senders.flatMap((_, i) =>
    Array.from({ length: workers }, (): [number, number] => [i, 0]),
  );
  let total = 0;
  while (total < count) {
    free.sort((a, b) => a[1] - b[1]);
    const worker = free[0];
    if (!worker) break;
    const [index, freeAt] = worker;
    const sender = senders[index];
    if (!sender) break;
    const start = sender.slot(freeAt);
    starts[index]?.push(start);
    total++;
    const ended = start + latency();
    worker[1] = sender.after ? sender.after(ended) : ended;
  }
  return starts;
};

const achievedRate = (starts: readonly number[]) => {
  const sorted = [...starts].sort((a, b) => a - b);
  return ((sorted.length - 1) * 1000) / ((sorted.at(-1) ?? 0) - (sorted[0] ?? 0));
};

describe('the send timetable', () => {
  it('reaches the target rate with no 10-second window over it, at 14/s and at 200/s', () => {
    for (const [rate, count] of [
      [14, 14 * 40],
      [200, 10_000],
    ] as const) {
      const timetable = new SendTimetable(rate, 0);
      const [starts = []] = simulate([{ slot: (at) => timetable.take(at) }], sendsInFlight(rate), count);

      expect(achievedRate(starts) / rate).toBeGreaterThanOrEqual(0.95);
      expect(worstWindow(starts, 10_000).ratePerSecond / rate).toBeLessThanOrEqual(1.1);
    }
  });

  it('needs enough sends in flight: too few, and the latency sets the pace (the control)', () => {
    const rate = 200;
    const timetable = new SendTimetable(rate, 0);
    const [starts = []] = simulate([{ slot: (at) => timetable.take(at) }], 4, 10_000);
    expect(achievedRate(starts) / rate).toBeLessThan(0.95);
    expect(sendsInFlight(200)).toBe(31);
    expect(sendsInFlight(14)).toBe(4);
  });

  it('is what "sleep after each send" is not (the control: that design misses the target)', () => {
    const rate = 14;
    // One send at a time, then a pause of 1/rate: the send's own latency is lost every time.
    const [starts = []] = simulate([{ slot: (at) => at, after: (ended) => ended + 1000 / rate }], 1, 14 * 40);

    expect(achievedRate(starts) / rate).toBeLessThan(0.95);
  });

  it('shares one allowance between two mailings, and two timetables would not (the control)', () => {
    const rate = 20;
    const shared = new SendTimetable(rate, 0);
    const together = simulate(
      [{ slot: (at) => shared.take(at) }, { slot: (at) => shared.take(at) }],
      3,
      2_000,
    );
    expect(worstWindow(together.flat(), 10_000).ratePerSecond / rate).toBeLessThanOrEqual(1.1);
    expect(achievedRate(together.flat()) / rate).toBeGreaterThanOrEqual(0.95);
    // Each gets about half.
    expect(Math.abs((together[0]?.length ?? 0) - (together[1]?.length ?? 0))).toBeLessThanOrEqual(50);

    const apart = [new SendTimetable(rate, 0), new SendTimetable(rate, 0)];
    const separately = simulate(
      apart.map((timetable) => ({ slot: (at: number) => timetable.take(at) })),
      3,
      2_000,
    );
    expect(worstWindow(separately.flat(), 10_000).ratePerSecond / rate).toBeGreaterThan(1.5);
  });

  it('does not make up for idle time with a burst', () => {
    const timetable = new SendTimetable(10, 0);
    expect(timetable.take(0)).toBe(0);
    expect(timetable.take(0)).toBe(100);
    // Nobody sent for a minute: the next slot is now, and the one after it 100 ms later — no backlog.
    expect(timetable.take(60_000)).toBe(60_000);
    expect(timetable.take(60_000)).toBe(60_100);
  });

  it('moves every later send on after SES said "too fast"', () => {
    const timetable = new SendTimetable(10, 0);
    timetable.take(0);
    timetable.throttled(50, 1_000);
    expect(timetable.take(60)).toBe(1_050);
    expect(timetable.take(60)).toBe(1_150);
    // A throttle that would move it back changes nothing.
    timetable.throttled(60, 10);
    expect(timetable.take(60)).toBe(1_250);
  });
});

describe('the mass-mail rate', () => {
  it('is the SES rate less the reserve for transactional mail, or the configured one less it', () => {
    expect(massMailRate({ maxSendRate: 14 })).toBeCloseTo(12.6);
    expect(massMailRate({ maxSendRate: 200, reserve: 0.2 })).toBe(160);
    expect(massMailRate({ maxSendRate: 200, override: 50 })).toBe(45);
    expect(massMailRate({ maxSendRate: 1 })).toBe(1);
    expect(() => massMailRate({ maxSendRate: 14, reserve: 1 })).toThrow(/reserve/);
    expect(() => massMailRate({ maxSendRate: 0 })).toThrow(/rate/);
  });
});

describe('the worst window', () => {
  it('counts the most starts within any window', () => {
    expect(worstWindow([0, 100, 200, 10_050, 10_100], 10_000)).toEqual({ count: 3, ratePerSecond: 0.3 });
    expect(worstWindow([], 10_000).count).toBe(0);
  });
});
