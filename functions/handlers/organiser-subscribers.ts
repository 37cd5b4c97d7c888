import { clock } from '../composition/process';
import { subscriptionStore } from '../composition/subscription-store';
import type { SubscriberPageBody } from '../contract/schemas/organisers';
import { listSubscribers } from '../core/subscriptions/use-cases';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { subscriberListQuery } from './inputs/subscriptions';

export const handler = httpRoute(async (event) => {
  const { status, topic, cursor, limit } = parseQuery(event, subscriberListQuery);
  const page = await listSubscribers(subscriptionStore(), {
    status,
    ...(topic ? { topic } : {}),
    ...(cursor ? { cursor } : {}),
    limit,
    now: clock.now(),
  });
  return json(200, {
    // An unsubscribed person's address and name are deleted: the item shows that someone left, not who.
    items: page.items.map((subscription) => ({
      ...(subscription.status === 'unsubscribed'
        ? { email: null, name: null }
        : { email: subscription.email, name: subscription.name ?? null }),
      status: subscription.status,
      topics: subscription.topics,
      consentAt: subscription.consent.at,
    })),
    nextCursor: page.nextCursor,
  } satisfies SubscriberPageBody);
});
