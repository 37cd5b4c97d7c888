import {
  type AmsterdamLocalParts,
  amsterdamLocalParts,
  amsterdamTimeZone,
  type Instant,
  instantDate,
} from '../core/amsterdam-time';

/**
 * Times as people in the Netherlands read them (docs/architecture.md, "Times"): instants are stored in UTC and shown
 * in Europe/Amsterdam, in Dutch ("donderdag 14 januari 2027, 13.30–16.30 uur"). The time zone rules are the
 * core's (functions/core/amsterdam-time.ts).
 */

/** Formatters are made on first use (functions/core/amsterdam-time.ts says why). */
let dutchDateFormat: Intl.DateTimeFormat | undefined;
const dutchDate = (): Intl.DateTimeFormat =>
  (dutchDateFormat ??= new Intl.DateTimeFormat('nl-NL', {
    timeZone: amsterdamTimeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }));

let dutchShortDateFormat: Intl.DateTimeFormat | undefined;
const dutchShortDate = (): Intl.DateTimeFormat =>
  (dutchShortDateFormat ??= new Intl.DateTimeFormat('nl-NL', {
    timeZone: amsterdamTimeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }));

const two = (n: number): string => String(n).padStart(2, '0');

/** "donderdag 14 januari 2027". */
export const formatDate = (instant: Instant): string => dutchDate().format(instantDate(instant));

/** "14 januari 2027", for places where the weekday is clutter. */
export const formatShortDate = (instant: Instant): string => dutchShortDate().format(instantDate(instant));

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
