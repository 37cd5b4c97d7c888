import { amsterdamInstant, amsterdamLocalParts } from '../../functions/core/amsterdam-time';

/**
 * EventBridge Scheduler's cron expressions, evaluated in Europe/Amsterdam for the local scheduler's recurring
 * schedules: `cron(minutes hours day-of-month month day-of-week year)`. What the system's schedules use is
 * understood — numbers, `*`, `?`, lists, ranges, `/` steps, day names (`MON`–`SUN`, ranges of them) and `#n`
 * (the n-th such weekday of the month); anything else (`L`, `W`) is refused rather than misread.
 */

const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export class UnsupportedCron extends Error {
  override readonly name = 'UnsupportedCron';
}

/** A set of allowed values for a field (min..max), from its text. */
const valuesOf = (field: string, min: number, max: number, names: readonly string[] = []): Set<number> => {
  const value = (text: string): number => {
    // Names count from 1, as AWS numbers months (JAN = 1) and weekdays (SUN = 1).
    const named = names.indexOf(text.toUpperCase());
    const number = named >= 0 ? named + 1 : Number(text);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new UnsupportedCron(`Not a value of ${min}-${max}: ${text}`);
    }
    return number;
  };
  const all = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new UnsupportedCron(`Not a step: ${part}`);
    const [from, to] =
      range === '*' || range === '?'
        ? [min, max]
        : range.includes('-')
          ? (range.split('-').map(value) as [number, number])
          : [value(range), stepText === undefined ? value(range) : max];
    for (let n = from; n <= to; n += step) all.add(n);
  }
  return all;
};

interface Cron {
  readonly minutes: Set<number>;
  readonly hours: Set<number>;
  readonly daysOfMonth: Set<number> | undefined;
  readonly months: Set<number>;
  /** AWS numbering: 1 = Sunday … 7 = Saturday. */
  readonly daysOfWeek: Set<number> | undefined;
  /** `#n`: only the n-th of that weekday in the month. */
  readonly nth: number | undefined;
  readonly years: Set<number>;
}

const parse = (expression: string): Cron => {
  const match = /^cron\((.+)\)$/.exec(expression.trim());
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) throw new UnsupportedCron(`Not a cron expression: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (/[LW]/i.test(dayOfMonth) || /L/i.test(dayOfWeek))
    throw new UnsupportedCron(`L and W are not supported: ${expression}`);
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new UnsupportedCron(`Exactly one of day-of-month and day-of-week is ?: ${expression}`);
  }
  const [weekdays, nthText] = dayOfWeek.split('#') as [string, string | undefined];
  return {
    minutes: valuesOf(minute, 0, 59),
    hours: valuesOf(hour, 0, 23),
    daysOfMonth: dayOfMonth === '?' ? undefined : valuesOf(dayOfMonth, 1, 31),
    months: valuesOf(month, 1, 12, [
      'JAN',
      'FEB',
      'MAR',
      'APR',
      'MAY',
      'JUN',
      'JUL',
      'AUG',
      'SEP',
      'OCT',
      'NOV',
      'DEC',
    ]),
    daysOfWeek: dayOfWeek === '?' ? undefined : valuesOf(weekdays, 1, 7, dayNames),
    nth: nthText === undefined ? undefined : Number(nthText),
    years: valuesOf(year, 1970, 2199),
  };
};

const dayMatches = (cron: Cron, year: number, month: number, day: number): boolean => {
  if (!cron.years.has(year) || !cron.months.has(month)) return false;
  if (cron.daysOfMonth) return cron.daysOfMonth.has(day);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
  if (!cron.daysOfWeek?.has(weekday)) return false;
  return cron.nth === undefined || Math.ceil(day / 7) === cron.nth;
};

/** The first time after `after` (strictly) that the expression names, in Amsterdam; within ten years. */
export const nextCronTime = (expression: string, after: Date): Date => {
  const cron = parse(expression);
  const start = amsterdamLocalParts(after);
  const day = new Date(Date.UTC(start.year, start.month - 1, start.day));
  const times = [...cron.hours]
    .sort((a, b) => a - b)
    .flatMap((hour) => [...cron.minutes].sort((a, b) => a - b).map((minute) => ({ hour, minute })));
  for (let i = 0; i < 3700; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    const [year, month, date] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    if (!dayMatches(cron, year, month, date)) continue;
    for (const time of times) {
      const at = amsterdamInstant({ year, month, day: date, ...time });
      if (at.getTime() > after.getTime()) return at;
    }
  }
  throw new UnsupportedCron(`No time in the next ten years: ${expression}`);
};
