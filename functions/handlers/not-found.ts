import { NotFound } from '../core/errors';
import { httpRoute } from './http/edge';

/** API Gateway's `$default` route: a Dutch 404 page, or problem+json under /api. */
export const handler = httpRoute(async () => {
  throw new NotFound();
});
