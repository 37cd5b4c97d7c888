import * as z from 'zod/mini';
import '../../adapters/validation-locale';

/**
 * The cursor of a list paged by place (a meeting's start and id, a suppression's time and person): the place
 * the next page starts after, base64url-encoded so clients treat it as opaque. `decode` refuses anything but
 * a place of that list (400 for the field `cursor`), so a cursor never reaches DynamoDB unchecked.
 */
export const placeCursor = (place: RegExp) => {
  const decode = (cursor: string): string | undefined => {
    const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
    return place.test(decoded) ? decoded : undefined;
  };
  return {
    encode: (after: string): string => Buffer.from(after, 'utf8').toString('base64url'),
    decode,
    /** The query parameter: the cursor in, the place out. */
    parameter: z.optional(
      z.pipe(
        z.string().check(
          z.maxLength(512),
          z.refine((cursor) => decode(cursor) !== undefined, 'Deze cursor hoort niet bij deze lijst.'),
        ),
        z.transform((cursor) => decode(cursor) ?? ''),
      ),
    ),
  };
};

/** How many items a page of a list holds: 1 to 100, 50 unless asked. */
export const pageLimit = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50);

/** An ISO instant as toISOString writes it, the start of most places. */
export const isoInstantPattern = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?Z';
