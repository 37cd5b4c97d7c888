import * as z from 'zod/mini';
import '../../adapters/validation-locale';

/** RFC 3339 with an explicit offset (Z or ±hh:mm); without one → 400. Stored as UTC. */
export const instant = z.pipe(
  z.iso.datetime({
    offset: true,
    // Only for the form of the text: a missing field or a number says so (validation-messages.ts).
    error: (issue) =>
      issue.code === 'invalid_format'
        ? 'Gebruik een tijd met tijdzone, zoals 2027-03-28T13:30:00+02:00.'
        : undefined,
  }),
  z.transform((value: string) => new Date(value).toISOString()),
);
