import * as z from 'zod/mini';
import '../../adapters/validation-locale';
import { noControlExceptNewlines, singleLine } from './fields';
import { instant } from './instant';

const meetingFields = {
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
  .partial(z.strictObject(meetingFields))
  .check(z.refine((changes) => Object.keys(changes).length > 0, 'Geef minstens één veld om te wijzigen.'));

export const meetingListQuery = z.object({
  status: z._default(z.enum(['draft', 'published', 'cancelled']), 'published'),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
});
