import { subscriptions } from '../composition/subscriptions';
import { confirmSubscription } from '../core/subscriptions/use-cases';
import { renderConfirmed } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { linkToken, parseFormBody } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

export const handler = httpRoute(async (event) => {
  await parseFormBody(event);
  const outcome = await confirmSubscription(await subscriptions(), linkToken(event));
  return page(200, renderConfirmed(outcome), tokenPageHeaders);
});
