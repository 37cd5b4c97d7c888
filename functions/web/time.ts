/**
 * Times as people in the Netherlands read them (docs/architecture.md, "Times"): instants are stored in UTC and shown
 * in Europe/Amsterdam, in Dutch ("donderdag 14 januari 2027, 13.30–16.30 uur"). Intl does the time zone
 * rules, so summer time starts and ends on the right night without a table of our own.
 */
export const amsterdamTimeZone = 'Europe/Amsterdam';

type Instant = Date | string;

const toDate = (instant: Instant): Date => {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new Error(`Not an instant: ${String(instant)}`);
  return date;
};

const numericParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: amsterdamTimeZone,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

const dutchDate = new Intl.DateTimeFormat('nl-NL', {
  timeZone: amsterdamTimeZone,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

const dutchShortDate = new Intl.DateTimeFormat('nl-NL', {
  timeZone: amsterdamTimeZone,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

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

export const amsterdamLocalParts = (instant: Instant): AmsterdamLocalParts => {
  const date = toDate(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(numericParts.formatToParts(date).find((p) => p.type === type)?.value);
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

/**
 * The instant a wall-clock time in Amsterdam stands for. Around the summer-time changes it resolves as
 * calendars do: a time that does not exist (02.30 on the last Sunday of March) moves forward by the hour
 * that was skipped; a time that happens twice (02.30 on the last Sunday of October) is the first of the two.
 */
export const amsterdamInstant = (local: AmsterdamWallClock): Date => {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const day = 24 * 3600 * 1000;
  const offsetBefore = amsterdamLocalParts(new Date(wall - day)).offsetMinutes * 60_000;
  const offsetAfter = amsterdamLocalParts(new Date(wall + day)).offsetMinutes * 60_000;
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter((utc) => {
    const back = amsterdamLocalParts(new Date(utc));
    return Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute) === wall;
  });
  // None: the wall time fell in the skipped hour; read it with the offset from before the change.
  return new Date(candidates.length ? Math.min(...candidates) : wall - offsetBefore);
};

const two = (n: number): string => String(n).padStart(2, '0');

/** "donderdag 14 januari 2027". */
export const formatDate = (instant: Instant): string => dutchDate.format(toDate(instant));

/** "14 januari 2027", for places where the weekday is clutter. */
export const formatShortDate = (instant: Instant): string => dutchShortDate.format(toDate(instant));

/** "13.30": the Dutch way of writing a time (Taalunie), 24-hour clock. */
export const formatTime = (instant: Instant): string => {
  const { hour, minute } = amsterdamLocalParts(instant);
  return `${two(hour)}.${two(minute)}`;
};

/** "donderdag 14 januari 2027 om 13.30 uur". */
export const formatDateTime = (instant: Instant): string =>
  `${formatDate(instant)} om ${formatTime(instant)} uur`;

/** "2027-01-14 13:30": sortable, and read as a date and time by spreadsheets (exports). */
export const formatLocalTimestamp = (instant: Instant): string => {
  const p = amsterdamLocalParts(instant);
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
};

const sameLocalDay = (a: AmsterdamLocalParts, b: AmsterdamLocalParts): boolean =>
  a.year === b.year && a.month === b.month && a.day === b.day;

/**
 * When a meeting is: "donderdag 14 januari 2027, 13.30–16.30 uur" on one day, or
 * "donderdag 14 januari 2027, 13.30 uur tot vrijdag 15 januari 2027, 12.00 uur" when it spans days.
 */
export const formatMeetingWhen = (startsAt: Instant, endsAt: Instant): string => {
  if (sameLocalDay(amsterdamLocalParts(startsAt), amsterdamLocalParts(endsAt))) {
    return `${formatDate(startsAt)}, ${formatTime(startsAt)}–${formatTime(endsAt)} uur`;
  }
  return `${formatDate(startsAt)}, ${formatTime(startsAt)} uur tot ${formatDate(endsAt)}, ${formatTime(endsAt)} uur`;
};
