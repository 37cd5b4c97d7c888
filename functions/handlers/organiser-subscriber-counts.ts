import { app } from '../composition';
import { countSubscribers } from '../core/subscriptions/use-cases';
import { httpRoute } from './http/edge';
import { json } from './http/respond';

export const handler = httpRoute(async () => {
  return json(200, await countSubscribers(app.subscriptionStore, app.clock.now()));
});
