import * as z from 'zod/mini';
import { InvalidInput } from '../../core/errors';

/** A page of a GSI1 list ends at this key; the caller gets it back as an opaque cursor. */
const gsi1Key = z.strictObject({ PK: z.string(), SK: z.string(), GSI1PK: z.string(), GSI1SK: z.string() });

export const encodeListCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

/**
 * The start key of the next page, from a cursor of this very list (`GSI1PK`). A cursor that is not ours, or
 * belongs to another list, is a 400 for the field: it never reaches DynamoDB.
 */
export const decodeListCursor = (cursor: string, listPartition: string): Record<string, string> => {
  try {
    const key = gsi1Key.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (key.GSI1PK !== listPartition) throw new Error('cursor of another list');
    return key;
  } catch {
    throw new InvalidInput([{ field: 'cursor', message: 'Deze cursor hoort niet bij deze lijst.' }]);
  }
};
