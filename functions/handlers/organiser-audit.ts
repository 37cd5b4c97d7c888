import { auditTrail } from '../composition/audit-trail';
import { personIds } from '../composition/person-ids';
import type { AuditPageBody } from '../contract/schemas/organisers';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { auditQuery, personAsked } from './inputs/admin';

/**
 * The audit trail, for admins (the route table's `admins`): every organiser action newest first, of one kind
 * and of one person if asked. A person is asked for by address or by id; the address is only keyed, never
 * kept or shown: the trail holds no addresses.
 */
export const handler = httpRoute(async (event) => {
  const { kind, email, personId, cursor, limit } = parseQuery(event, auditQuery);
  const person = await personAsked({ email, personId }, async (address) => (await personIds()).of(address));
  const page = await auditTrail().list({
    ...(kind ? { kind } : {}),
    ...(person ? { personId: person } : {}),
    ...(cursor ? { before: cursor } : {}),
    limit,
  });
  return json(200, { items: page.items, nextCursor: page.nextBefore } satisfies AuditPageBody);
});
