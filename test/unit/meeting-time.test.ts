import { describe, expect, it } from 'vitest';
import { amsterdamInstant, amsterdamLocalParts } from '../../functions/core/amsterdam-time';
import {
  formatDate,
  formatDateTime,
  formatLocalTimestamp,
  formatMeetingWhen,
  formatTime,
} from '../../functions/web/time';

describe('times in Europe/Amsterdam', () => {
  it('writes a meeting on one day as a Dutch date with a time range', () => {
    expect(formatMeetingWhen('2027-01-14T12:30:00Z', '2027-01-14T15:30:00Z')).toBe(
      'donderdag 14 januari 2027, 13.30–16.30 uur',
    );
  });

  it('writes both dates when a meeting spans days', () => {
    expect(formatMeetingWhen('2027-01-14T12:30:00Z', '2027-01-15T11:00:00Z')).toBe(
      'donderdag 14 januari 2027, 13.30 uur tot vrijdag 15 januari 2027, 12.00 uur',
    );
  });

  it('takes the day in Amsterdam, not in UTC', () => {
    // 23.30 UTC on the 14th is already the 15th in Amsterdam, and both ends fall on that one day.
    expect(formatDate('2027-01-14T23:30:00Z')).toBe('vrijdag 15 januari 2027');
    expect(formatMeetingWhen('2027-01-14T23:30:00Z', '2027-01-15T01:00:00Z')).toBe(
      'vrijdag 15 januari 2027, 00.30–02.00 uur',
    );
  });

  it('moves the clock forward on 28 March 2027: 01.30 CET, then 03.30 CEST an hour later', () => {
    expect(formatTime('2027-03-28T00:30:00Z')).toBe('01.30');
    expect(formatTime('2027-03-28T01:30:00Z')).toBe('03.30');
    expect(amsterdamLocalParts('2027-03-28T00:30:00Z').offsetMinutes).toBe(60);
    expect(amsterdamLocalParts('2027-03-28T01:30:00Z').offsetMinutes).toBe(120);
  });

  it('turns the clock back on 31 October 2027: 02.30 twice, first CEST, then CET', () => {
    expect(formatTime('2027-10-31T00:30:00Z')).toBe('02.30');
    expect(formatTime('2027-10-31T01:30:00Z')).toBe('02.30');
    expect(amsterdamLocalParts('2027-10-31T00:30:00Z').offsetMinutes).toBe(120);
    expect(amsterdamLocalParts('2027-10-31T01:30:00Z').offsetMinutes).toBe(60);
  });

  it('keeps a meeting across the night of a change at its real length on the wall clock', () => {
    // 01.00 CET to 04.00 CEST is two hours of real time.
    expect(formatMeetingWhen('2027-03-28T00:00:00Z', '2027-03-28T02:00:00Z')).toBe(
      'zondag 28 maart 2027, 01.00–04.00 uur',
    );
  });

  it('turns an Amsterdam wall-clock time into the right instant in winter and summer', () => {
    expect(amsterdamInstant({ year: 2027, month: 1, day: 14, hour: 13, minute: 30 }).toISOString()).toBe(
      '2027-01-14T12:30:00.000Z',
    );
    expect(amsterdamInstant({ year: 2027, month: 6, day: 10, hour: 13, minute: 30 }).toISOString()).toBe(
      '2027-06-10T11:30:00.000Z',
    );
  });

  it('resolves wall-clock times around the changes as calendars do', () => {
    // 02.30 does not exist on 28 March: it moves forward by the skipped hour, to 03.30 CEST.
    expect(amsterdamInstant({ year: 2027, month: 3, day: 28, hour: 2, minute: 30 }).toISOString()).toBe(
      '2027-03-28T01:30:00.000Z',
    );
    // 02.30 happens twice on 31 October: the first one, still CEST.
    expect(amsterdamInstant({ year: 2027, month: 10, day: 31, hour: 2, minute: 30 }).toISOString()).toBe(
      '2027-10-31T00:30:00.000Z',
    );
    expect(amsterdamInstant({ year: 2027, month: 10, day: 31, hour: 3, minute: 30 }).toISOString()).toBe(
      '2027-10-31T02:30:00.000Z',
    );
  });

  it('writes a date with its time, and a sortable local timestamp for exports', () => {
    expect(formatDateTime('2027-07-01T08:05:00Z')).toBe('donderdag 1 juli 2027 om 10.05 uur');
    expect(formatLocalTimestamp('2027-07-01T08:05:59Z')).toBe('2027-07-01 10:05');
  });

  it('refuses what is not an instant', () => {
    expect(() => formatDate('morgen')).toThrow(/Not an instant/);
  });
});
