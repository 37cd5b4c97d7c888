import { subscriptionPorts } from '../composition/subscriptions';
import type { SubscriptionAcceptedBody } from '../contract/schemas/organisers';
import { consentText } from '../core/subscriptions/consent';
import { subscribe } from '../core/subscriptions/use-cases';
import { httpRoute } from './http/edge';
import { parseJsonBody } from './http/request';
import { json } from './http/respond';
import { subscribeRequest } from './inputs/subscriptions';

/** The same answer for every accepted request: nobody learns whether an address is subscribed. */
export const handler = httpRoute(async (event) => {
  const { consent: _, ...request } = parseJsonBody(event, subscribeRequest);
  await subscribe(await subscriptionPorts(), {
    ...request,
    source: 'api',
    consentTextVersion: consentText.version,
  });
  return json(202, {
    status: 'accepted',
    detail: 'Als dit adres kan worden aangemeld, ontvangt het een e-mail om de aanmelding te bevestigen.',
  } satisfies SubscriptionAcceptedBody);
});
