import * as z from 'zod/mini';
import '../../adapters/validation-locale';
import { InvalidInput } from '../../core/errors';
import { auditKinds } from '../../core/organisers/audit';
import { isoInstantPattern, pageLimit, placeCursor } from './cursor';
import { emailInput } from './fields';

/** A person id as the system makes them (core/people/person-id.ts): 32 hexadecimal characters. */
export const personIdInput = z
  .string()
  .check(z.regex(/^[0-9a-f]{32}$/, 'Een persoons-id is 32 hexadecimale tekens.'));

/** The audit trail, newest first: of one kind, of one person (by address or id), `limit` at a time. */
export const auditQuery = z.object({
  kind: z.optional(z.enum(auditKinds)),
  email: z.optional(emailInput),
  personId: z.optional(personIdInput),
  /** The `nextCursor` of the page before: the id of its last entry. */
  cursor: z.optional(z.string().check(z.regex(/^[0-9A-Z]{26}$/, 'Deze cursor hoort niet bij deze lijst.'))),
  limit: pageLimit,
});

/** The cursor of the suppression list: a place `<suppressedAt>#<personId>` (suppressionPlace). */
export const suppressionListCursor = placeCursor(new RegExp(`^${isoInstantPattern}#[0-9a-f]{32}$`));

/** The suppression list, newest first; or one person's suppression, by address or id. */
export const suppressionQuery = z.object({
  email: z.optional(emailInput),
  personId: z.optional(personIdInput),
  cursor: suppressionListCursor.parameter,
  limit: pageLimit,
});

/**
 * The person an admin asks about: by address (keyed here, never kept) or by id, not both; undefined when
 * neither is given.
 */
export const personAsked = async (
  { email, personId }: { readonly email?: string | undefined; readonly personId?: string | undefined },
  keyed: (address: string) => Promise<string>,
): Promise<string | undefined> => {
  if (email && personId) {
    throw new InvalidInput([
      {
        field: 'email',
        message: 'Geef in ‘email’ een e-mailadres of in ‘personId’ een persoons-id, niet allebei.',
      },
    ]);
  }
  return email ? keyed(email) : personId;
};
