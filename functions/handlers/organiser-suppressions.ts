import { auditAbout } from '../composition/audit';
import { personIds } from '../composition/person-ids';
import { suppressionAdmin } from '../composition/suppression-admin';
import type { SuppressionPageBody } from '../contract/schemas/organisers';
import { organiserRoute } from './http/organiser-route';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { personAsked, suppressionListCursor, suppressionQuery } from './inputs/admin';

/**
 * The suppression list, for admins: newest first by person id (it holds no address), or one person's entry
 * asked for by address (keyed, not kept) or id. Reading it is audited as well.
 */
export const handler = organiserRoute(async (event) => {
  const { email, personId, cursor, limit } = parseQuery(event, suppressionQuery);
  const person = await personAsked({ email, personId }, async (address) => (await personIds()).of(address));
  if (person) {
    // Who looked this person up is in the trail, under them.
    auditAbout({ targetId: person, personId: person });
    const suppression = await suppressionAdmin().get(person);
    return json(200, {
      items: suppression ? [suppression] : [],
      nextCursor: null,
    } satisfies SuppressionPageBody);
  }
  const page = await suppressionAdmin().list({ ...(cursor ? { before: cursor } : {}), limit });
  return json(200, {
    items: page.items,
    nextCursor: page.nextBefore === null ? null : suppressionListCursor.encode(page.nextBefore),
  } satisfies SuppressionPageBody);
});
