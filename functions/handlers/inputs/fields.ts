import * as z from 'zod/mini';
import '../../adapters/validation-locale';

/** Field rules shared by several inputs: the same rules for the API and the forms. */

/** A single line: no line breaks, no other control characters. */
export const noControlCharacters = /^[^\p{Cc}]*$/u;
/** Multi-line text may have line breaks but no other control characters. */
export const noControlExceptNewlines = /^[^\p{Cc}]*$|^(?:[^\p{Cc}]|\r|\n|\t)*$/u;

/** A required single line of at most `max` characters, trimmed. */
export const singleLine = (max: number) =>
  z
    .string()
    .check(
      z.regex(noControlCharacters, 'Regeleinden en stuurtekens kunnen hier niet.'),
      z.trim(),
      z.minLength(1),
      z.maxLength(max),
    );

export const emailInput = z.pipe(
  z
    .string('Vul je e-mailadres in.')
    .check(
      z.trim(),
      z.minLength(1, 'Vul je e-mailadres in.'),
      z.maxLength(254, 'Een e-mailadres heeft hoogstens 254 tekens.'),
    ),
  z.email('Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.'),
);
