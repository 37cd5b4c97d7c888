import { clock } from '../composition/process';
import { subscriptionStore } from '../composition/subscription-store';
import type { SubscriberCountsBody } from '../contract/schemas/organisers';
import { countSubscribers } from '../core/subscriptions/use-cases';
import { httpRoute } from './http/edge';
import { json } from './http/respond';

export const handler = httpRoute(async () => {
  return json(200, (await countSubscribers(subscriptionStore(), clock.now())) satisfies SubscriberCountsBody);
});
