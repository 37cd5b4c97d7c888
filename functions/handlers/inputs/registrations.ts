import * as z from 'zod/mini';
import '../../adapters/validation-locale';
import { participantRoles } from '../../core/meetings/model';
import type { MeetingFormValues } from '../../web/pages/meetings';
import { emailInput, noControlCharacters, noControlExceptNewlines } from './fields';

const optionalLine = (max: number, message: string) =>
  z.optional(
    z.pipe(
      z.string().check(z.regex(noControlCharacters, message), z.normalize('NFC'), z.trim(), z.maxLength(max)),
      z.transform((value: string) => value || undefined),
    ),
  );

const optionalText = z.optional(
  z.pipe(
    z
      .string()
      .check(
        z.regex(noControlExceptNewlines, 'Stuurtekens kunnen hier niet.'),
        z.normalize('NFC'),
        z.trim(),
        z.maxLength(500, 'Hoogstens 500 tekens.'),
      ),
    z.transform((value: string) => value || undefined),
  ),
);

/** A registration, from the API or the form (the form posts the same names). */
export const registrationRequest = z.strictObject({
  name: z
    .string('Vul je naam in.')
    .check(
      z.regex(noControlCharacters, 'Een naam kan geen regeleinden of andere stuurtekens bevatten.'),
      z.normalize('NFC'),
      z.trim(),
      z.minLength(1, 'Vul je naam in.'),
      z.maxLength(100, 'Een naam heeft hoogstens 100 tekens.'),
    ),
  email: emailInput,
  organisation: optionalLine(200, 'Regeleinden en stuurtekens kunnen hier niet.'),
  role: z.union([
    z.optional(z.enum(participantRoles, 'Kies een rol uit de lijst.')),
    z.pipe(
      z.literal(''),
      z.transform(() => undefined),
    ),
  ]),
  municipality: optionalLine(100, 'Regeleinden en stuurtekens kunnen hier niet.'),
  dietary: optionalText,
  accessibility: optionalText,
});

export type RegistrationInput = z.output<typeof registrationRequest>;

/** An organiser registering someone: the same fields, and whether an admin adds a seat to a full meeting. */
export const organiserRegistration = z.strictObject({
  ...registrationRequest.shape,
  overCapacity: z.optional(z.boolean('overCapacity is true of false.')),
});

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

/** The registration form's fields as posted, for a form that comes back (every value kept, as typed). */
export const registrationFormValues = (form: URLSearchParams): MeetingFormValues => ({
  name: form.get('name') ?? '',
  email: form.get('email') ?? '',
  organisation: form.get('organisation') ?? '',
  role: form.get('role') ?? '',
  municipality: form.get('municipality') ?? '',
  dietary: form.get('dietary') ?? '',
  accessibility: form.get('accessibility') ?? '',
});
