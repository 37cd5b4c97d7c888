/**
 * The time-zone rules of Europe/Amsterdam, in one place (docs/architecture.md, "Times"): an instant's wall
 * clock and offset, the instant a wall-clock time stands for, and whether a wall time happens twice (the hour
 * the clocks go back). Intl does the rules, so summer time starts and ends on the right night without a
 * table of our own. Showing times in Dutch is the web's (functions/web/time.ts); calendar files and
 * schedules use the repeated-hour rule to write that hour in UTC.
 */
export const amsterdamTimeZone = 'Europe/Amsterdam';

/** An instant as a Date or as an RFC 3339 string with an offset. */
export type Instant = Date | string;

/** The instant as a Date; a string that names no instant throws. */
export const instantDate = (instant: Instant): Date => {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new Error(`Not an instant: ${String(instant)}`);
  return date;
};

/**
 * Made on first use: the first Intl formatter of a process loads the locale data (some 20 ms), which a
 * function that never reads a time should not pay at cold start.
 */
let numericFormat: Intl.DateTimeFormat | undefined;
const numericParts = (): Intl.DateTimeFormat =>
  (numericFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: amsterdamTimeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }));

/** A wall-clock time in Amsterdam; `offsetMinutes` is +60 in winter (CET), +120 in summer (CEST). */
export interface AmsterdamLocalParts {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly offsetMinutes: number;
}

/** The Amsterdam wall clock of an instant, to the whole second (milliseconds are dropped, as clocks do). */
export const amsterdamLocalParts = (instant: Instant): AmsterdamLocalParts => {
  const date = instantDate(instant);
  const parts = numericParts().formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  const local = {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
  const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000;
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return { ...local, offsetMinutes: Math.round((asUtc - wholeSeconds) / 60_000) };
};

export interface AmsterdamWallClock {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

/** A day of 24 hours, in milliseconds (a calendar day in Amsterdam may have 23 or 25). */
export const aDayMs = 24 * 3600 * 1000;

/**
 * The instant a wall-clock time in Amsterdam stands for. Around the summer-time changes it resolves as
 * calendars do: a time that does not exist (02.30 on the last Sunday of March) moves forward by the hour
 * that was skipped; a time that happens twice (02.30 on the last Sunday of October) is the first of the two.
 */
export const amsterdamInstant = (local: AmsterdamWallClock): Date => {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const offsetBefore = amsterdamLocalParts(new Date(wall - aDayMs)).offsetMinutes * 60_000;
  const offsetAfter = amsterdamLocalParts(new Date(wall + aDayMs)).offsetMinutes * 60_000;
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter((utc) => {
    const back = amsterdamLocalParts(new Date(utc));
    return Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute) === wall;
  });
  // None: the wall time fell in the skipped hour; read it with the offset from before the change.
  return new Date(candidates.length ? Math.min(...candidates) : wall - offsetBefore);
};

/** A wall-clock time as milliseconds on a clock without offset, to compare two of them. */
const wallClockMs = (local: AmsterdamLocalParts): number =>
  Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);

/**
 * Whether the Amsterdam wall time of this instant (to the whole second) happens twice: 02.00.00–02.59.59 in
 * the night the clocks go back. True for both instants of such a time (CEST and, an hour later, CET), false
 * for every other, the skipped hour of March included. A wall time that happens twice names no single
 * instant, so calendar files and schedules write that hour in UTC.
 */
export const isRepeatedAmsterdamWallTime = (instant: Instant): boolean => {
  const date = instantDate(instant);
  const self = Math.floor(date.getTime() / 1000) * 1000;
  const wall = wallClockMs(amsterdamLocalParts(date));
  // The other instant with this wall time would have the offset in force a day before or a day after.
  return [date.getTime() - aDayMs, date.getTime() + aDayMs].some((nearby) => {
    const other = wall - amsterdamLocalParts(new Date(nearby)).offsetMinutes * 60_000;
    return other !== self && wallClockMs(amsterdamLocalParts(new Date(other))) === wall;
  });
};
