import { auditTrail } from '../composition/audit-trail';
import { personIds } from '../composition/person-ids';
import { InvalidInput } from '../core/errors';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { auditQuery } from './inputs/admin';

/**
 * The audit trail, for admins (the route table's `admins`): every organiser action newest first, of one kind
 * and of one person if asked. A person is asked for by address or by id; the address is only keyed, never
 * kept or shown: the trail holds no addresses.
 */
export const handler = httpRoute(async (event) => {
  const { kind, email, personId, cursor, limit } = parseQuery(event, auditQuery);
  if (email && personId) {
    throw new InvalidInput([
      { field: 'email', message: 'Geef een e-mailadres of een persoons-id, niet allebei.' },
    ]);
  }
  const person = email ? (await personIds()).of(email) : personId;
  const page = await auditTrail().list({
    ...(kind ? { kind } : {}),
    ...(person ? { personId: person } : {}),
    ...(cursor ? { before: cursor } : {}),
    limit,
  });
  return json(200, { items: page.items, nextCursor: page.nextBefore });
});
