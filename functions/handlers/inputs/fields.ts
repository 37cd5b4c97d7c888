import * as z from 'zod/mini';
import '../../adapters/validation-locale';

/** Field rules shared by several inputs: the same rules for the API and the forms. */

/**
 * A single line: no line breaks, no other control characters (C0, DEL, C1), and no bidirectional overrides or
 * isolates (U+202A–202E, U+2066–2069), which make "Ali\u202Egnp.exe" show as "Aliexe.png" in a name, a mail,
 * a calendar or a spreadsheet. Other format characters, such as the zero-width joiner of an emoji, stay.
 */
export const noControlCharacters = /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;
/** Multi-line text may have line breaks (and tabs) but nothing else of the above. */
export const noControlExceptNewlines = /^(?:[^\p{Cc}\u202A-\u202E\u2066-\u2069]|\r|\n|\t)*$/u;

/** A required single line of at most `max` characters, trimmed. */
export const singleLine = (max: number) =>
  z
    .string()
    .check(
      z.regex(noControlCharacters, 'Regeleinden en stuurtekens kunnen hier niet.'),
      z.normalize('NFC'),
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
