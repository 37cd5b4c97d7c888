import { suppressionAdmin } from '../composition/suppression-admin';
import type { SuppressionLiftedBody } from '../contract/schemas/organisers';
import { liftSuppression } from '../core/mailings/suppression-admin';
import { organiserRoute } from './http/organiser-route';
import { json } from './http/respond';

/** Lifts one person's suppression (admins; audited): their next mail goes out. 404 when they are not on it. */
export const handler = organiserRoute(async (event) => {
  const lifted = await liftSuppression(suppressionAdmin(), event.pathParameters?.id ?? '');
  return json(200, { lifted } satisfies SuppressionLiftedBody);
});
