import { describe, expect, it } from 'vitest';
import {
  amsterdamInstant,
  amsterdamLocalParts,
  amsterdamTimeZone,
  instantDate,
  isRepeatedAmsterdamWallTime,
} from '../../functions/core/amsterdam-time';

/** Every instant from `from` up to (not including) `to`, `stepMs` apart. */
const instantsBetween = (from: string, to: string, stepMs: number): Date[] => {
  const instants: Date[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += stepMs) instants.push(new Date(t));
  return instants;
};

const minute = 60_000;
const hour = 60 * minute;

describe('the time zone rules of Europe/Amsterdam', () => {
  it('are those of the IANA zone Europe/Amsterdam', () => {
    expect(amsterdamTimeZone).toBe('Europe/Amsterdam');
  });

  describe('a wall time that happens twice (31 October 2027: 03.00 CEST becomes 02.00 CET at 01.00 UTC)', () => {
    it.each([
      ['2027-10-30T23:59:59Z', '01.59.59 CEST, the last second before the repeated hour', false],
      ['2027-10-30T23:59:59.999Z', 'still 01.59.59 CEST on the wall clock', false],
      ['2027-10-31T00:00:00Z', '02.00.00 CEST, the first time round', true],
      ['2027-10-31T00:30:00Z', '02.30 CEST, the first time round', true],
      ['2027-10-31T00:59:59Z', '02.59.59 CEST, the first time round', true],
      ['2027-10-31T00:59:59.999Z', 'still 02.59.59 CEST on the wall clock', true],
      ['2027-10-31T01:00:00Z', '02.00.00 CET, the second time round', true],
      ['2027-10-31T01:30:00Z', '02.30 CET, the second time round', true],
      ['2027-10-31T01:59:59Z', '02.59.59 CET, the second time round', true],
      ['2027-10-31T02:00:00Z', '03.00.00 CET, the first second after the repeated hour', false],
    ])('%s (%s): repeated %s', (instant, _, repeated) => {
      expect(isRepeatedAmsterdamWallTime(instant)).toBe(repeated);
      expect(isRepeatedAmsterdamWallTime(new Date(instant))).toBe(repeated);
    });

    it('gives both instants of a repeated wall time the same wall clock, an hour apart, with their own offset', () => {
      expect(amsterdamLocalParts('2027-10-31T00:00:00Z')).toEqual({
        ...{ year: 2027, month: 10, day: 31, hour: 2, minute: 0, second: 0 },
        offsetMinutes: 120,
      });
      expect(amsterdamLocalParts('2027-10-31T01:00:00Z')).toEqual({
        ...{ year: 2027, month: 10, day: 31, hour: 2, minute: 0, second: 0 },
        offsetMinutes: 60,
      });
      expect(amsterdamLocalParts('2027-10-31T01:59:59Z')).toMatchObject({ hour: 2, minute: 59, second: 59 });
      expect(amsterdamLocalParts('2027-10-31T02:00:00Z')).toMatchObject({ hour: 3, offsetMinutes: 60 });
    });

    it('is repeated for exactly the two hours of UTC that show 02.00–02.59 that night', () => {
      const repeated = instantsBetween('2027-10-30T12:00:00Z', '2027-10-31T12:00:00Z', minute).filter(
        (instant) => isRepeatedAmsterdamWallTime(instant),
      );
      expect(repeated).toHaveLength(120);
      expect(repeated[0]?.toISOString()).toBe('2027-10-31T00:00:00.000Z');
      expect(repeated.at(-1)?.toISOString()).toBe('2027-10-31T01:59:00.000Z');
    });

    it('resolves a repeated wall time to the first of its two instants (CEST)', () => {
      const at = (h: number, m: number) =>
        amsterdamInstant({ year: 2027, month: 10, day: 31, hour: h, minute: m }).toISOString();
      expect(at(1, 59)).toBe('2027-10-30T23:59:00.000Z');
      expect(at(2, 0)).toBe('2027-10-31T00:00:00.000Z');
      expect(at(2, 30)).toBe('2027-10-31T00:30:00.000Z');
      expect(at(2, 59)).toBe('2027-10-31T00:59:00.000Z');
      expect(at(3, 0)).toBe('2027-10-31T02:00:00.000Z');
      expect(isRepeatedAmsterdamWallTime(at(2, 0))).toBe(true);
      expect(isRepeatedAmsterdamWallTime(at(3, 0))).toBe(false);
    });
  });

  describe('a wall time that is skipped (28 March 2027: 02.00 CET becomes 03.00 CEST at 01.00 UTC)', () => {
    it.each([
      ['2027-03-28T00:59:59Z', '01.59.59 CET, the last second of winter time'],
      ['2027-03-28T00:59:59.999Z', 'still 01.59.59 CET on the wall clock'],
      ['2027-03-28T01:00:00Z', '03.00.00 CEST, the first second of summer time'],
    ])('%s (%s) is not repeated', (instant) => {
      expect(isRepeatedAmsterdamWallTime(instant)).toBe(false);
    });

    it('has no repeated wall time that day, nor on any other day of 2027 but 31 October', () => {
      expect(
        instantsBetween('2027-03-27T12:00:00Z', '2027-03-28T12:00:00Z', minute).filter((instant) =>
          isRepeatedAmsterdamWallTime(instant),
        ),
      ).toEqual([]);
      expect(
        instantsBetween('2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z', hour)
          .filter((instant) => isRepeatedAmsterdamWallTime(instant))
          .map((instant) => instant.toISOString()),
      ).toEqual(['2027-10-31T00:00:00.000Z', '2027-10-31T01:00:00.000Z']);
    });

    it('resolves a skipped wall time forward by the skipped hour', () => {
      const at = (h: number, m: number) =>
        amsterdamInstant({ year: 2027, month: 3, day: 28, hour: h, minute: m }).toISOString();
      expect(at(1, 59)).toBe('2027-03-28T00:59:00.000Z');
      expect(at(2, 0)).toBe('2027-03-28T01:00:00.000Z');
      expect(at(2, 59)).toBe('2027-03-28T01:59:00.000Z');
      expect(at(3, 0)).toBe('2027-03-28T01:00:00.000Z');
    });
  });

  it('refuses what is not an instant', () => {
    expect(() => instantDate('not a date')).toThrow(/Not an instant/);
    expect(() => isRepeatedAmsterdamWallTime('2027-13-01T00:00:00Z')).toThrow(/Not an instant/);
    expect(instantDate('2027-10-31T02:30:00+01:00').toISOString()).toBe('2027-10-31T01:30:00.000Z');
  });
});
