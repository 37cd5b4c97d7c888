import * as z from 'zod/mini';
import '../../adapters/validation-locale';
import { meetingStatuses } from '../../core/meetings/model';
import { paths } from '../../paths';
import { isoInstantPattern, pageLimit, placeCursor } from './cursor';
import { noControlExceptNewlines, singleLine } from './fields';
import { instant } from './instant';

/** The segments under /bijeenkomsten/ that other pages have (`eerder`, `afmelden`, …): no meeting may take one. */
const otherPages = Object.values(paths)
  .filter((path) => path.startsWith(`${paths.meetings}/`))
  .map((path) => path.slice(paths.meetings.length + 1).split('/')[0] ?? '')
  .filter((segment) => !segment.startsWith('{'));

/** A meeting's own address, `/bijeenkomsten/<slug>`: lower-case words joined by hyphens. */
const meetingSlug = z.string().check(
  z.minLength(3),
  z.maxLength(80),
  z.regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'Gebruik kleine letters, cijfers en losse koppeltekens, zoals kennisnetwerk-utrecht-2027.',
  ),
  z.refine((slug) => !otherPages.includes(slug), 'Dit adres hoort bij een andere pagina van de site.'),
);

const meetingFields = {
  slug: meetingSlug,
  title: singleLine(200),
  description: z
    .string()
    .check(z.regex(noControlExceptNewlines), z.normalize('NFC'), z.trim(), z.maxLength(10_000)),
  city: singleLine(100),
  venueAddress: singleLine(300),
  startsAt: instant,
  endsAt: instant,
  capacity: z.number().check(z.int(), z.gte(1), z.lte(10_000)),
  registrationOpensAt: instant,
  registrationClosesAt: instant,
  waitingListEnabled: z.boolean(),
  reminderLeadHours: z.number().check(z.int(), z.gte(1), z.lte(24 * 14)),
  questions: z.strictObject({
    organisation: z.boolean(),
    role: z.boolean(),
    municipality: z.boolean(),
    needs: z.boolean(),
  }),
};

/** A new meeting: what it is, where and when, and how many; the rest has sensible defaults. */
export const createMeetingRequest = z.strictObject({
  ...meetingFields,
  slug: z.optional(meetingSlug),
  description: z._default(meetingFields.description, ''),
  registrationOpensAt: z.optional(meetingFields.registrationOpensAt),
  registrationClosesAt: z.optional(meetingFields.registrationClosesAt),
  waitingListEnabled: z._default(meetingFields.waitingListEnabled, true),
  reminderLeadHours: z._default(meetingFields.reminderLeadHours, 48),
  questions: z._default(meetingFields.questions, {
    organisation: true,
    role: true,
    municipality: true,
    needs: true,
  }),
});

export const updateMeetingRequest = z
  // `slug: null` removes the slug (the page is at the meeting's id again).
  .partial(z.strictObject({ ...meetingFields, slug: z.nullable(meetingSlug) }))
  .check(z.refine((changes) => Object.keys(changes).length > 0, 'Geef minstens één veld om te wijzigen.'));

/** Cancelling: an optional message to everyone registered or waiting, carried by the cancellation mail. */
export const cancelMeetingRequest = z.strictObject({
  message: z.optional(
    z
      .string()
      .check(
        z.regex(noControlExceptNewlines),
        z.normalize('NFC'),
        z.trim(),
        z.minLength(1),
        z.maxLength(2_000),
      ),
  ),
});

/** The cursor of the organiser's meeting list: a place `<startsAt>#<meetingId>` (listPosition). */
export const meetingListCursor = placeCursor(new RegExp(`^${isoInstantPattern}#[A-Za-z0-9_-]{1,128}$`));

/** The organiser's list: every status unless one is asked for, `limit` at a time. */
export const meetingListQuery = z.object({
  status: z.optional(z.enum(meetingStatuses)),
  cursor: meetingListCursor.parameter,
  limit: pageLimit,
});
