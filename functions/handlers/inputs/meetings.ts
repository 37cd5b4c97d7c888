import { z } from 'zod';
import { participantRoles } from '../../core/meetings/model';
import { emailInput } from './subscriptions';

const noControlCharacters = /^[^\p{Cc}]*$/u;
/** Multi-line text may have line breaks but no other control characters. */
const noControlExceptNewlines = /^[^\p{Cc}]*$|^(?:[^\p{Cc}]|\r|\n|\t)*$/u;

/** RFC 3339 with an explicit offset (Z or ±hh:mm); without one → 400. Stored as UTC. */
const instant = z.iso
  .datetime({ offset: true, message: 'Gebruik een tijd met tijdzone, zoals 2027-03-28T13:30:00+02:00.' })
  .transform((value) => new Date(value).toISOString());

const line = (max: number) =>
  z
    .string()
    .regex(noControlCharacters, 'Regeleinden en stuurtekens kunnen hier niet.')
    .trim()
    .min(1)
    .max(max);

const meetingFields = {
  title: line(200),
  description: z.string().regex(noControlExceptNewlines).trim().max(10_000),
  city: line(100),
  venueAddress: line(300),
  startsAt: instant,
  endsAt: instant,
  capacity: z.number().int().min(1).max(10_000),
  registrationOpensAt: instant,
  registrationClosesAt: instant,
  waitingListEnabled: z.boolean(),
  reminderLeadHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 14),
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
  description: meetingFields.description.default(''),
  registrationOpensAt: meetingFields.registrationOpensAt.optional(),
  registrationClosesAt: meetingFields.registrationClosesAt.optional(),
  waitingListEnabled: meetingFields.waitingListEnabled.default(true),
  reminderLeadHours: meetingFields.reminderLeadHours.default(48),
  questions: meetingFields.questions.default({
    organisation: true,
    role: true,
    municipality: true,
    needs: true,
  }),
});

export const updateMeetingRequest = z
  .strictObject(meetingFields)
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, 'Geef minstens één veld om te wijzigen.');

const optionalLine = (max: number, message: string) =>
  z
    .string()
    .regex(noControlCharacters, message)
    .trim()
    .max(max)
    .transform((value) => value || undefined)
    .optional();

const optionalText = z
  .string()
  .regex(noControlExceptNewlines, 'Stuurtekens kunnen hier niet.')
  .trim()
  .max(500, 'Hoogstens 500 tekens.')
  .transform((value) => value || undefined)
  .optional();

/** A registration, from the API or the form (the form posts the same names). */
export const registrationRequest = z.strictObject({
  name: z
    .string('Vul je naam in.')
    .regex(noControlCharacters, 'Een naam kan geen regeleinden of andere stuurtekens bevatten.')
    .trim()
    .min(1, 'Vul je naam in.')
    .max(100, 'Een naam heeft hoogstens 100 tekens.'),
  email: emailInput,
  organisation: optionalLine(200, 'Regeleinden en stuurtekens kunnen hier niet.'),
  role: z
    .enum(participantRoles, 'Kies een rol uit de lijst.')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  municipality: optionalLine(100, 'Regeleinden en stuurtekens kunnen hier niet.'),
  dietary: optionalText,
  accessibility: optionalText,
});

export type RegistrationInput = z.output<typeof registrationRequest>;

export const toRegistrationRequest = ({
  name,
  email,
  organisation,
  role,
  municipality,
  dietary,
  accessibility,
}: RegistrationInput) => ({
  email,
  name,
  answers: {
    ...(organisation ? { organisation } : {}),
    ...(role ? { role } : {}),
    ...(municipality ? { municipality } : {}),
  },
  needs: { ...(dietary ? { dietary } : {}), ...(accessibility ? { accessibility } : {}) },
});

export const meetingListQuery = z.object({
  status: z.enum(['draft', 'published', 'cancelled']).default('published'),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
