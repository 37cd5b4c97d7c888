import { subscriptions } from '../composition/subscriptions';
import { unsubscribe } from '../core/subscriptions/use-cases';
import { renderUnsubscribed } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { linkToken, parseFormBody } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` (urlencoded or multipart)
 * without cookies or Origin; the page's button posts the same. 200 also when already unsubscribed.
 */
export const handler = httpRoute(async (event) => {
  await parseFormBody(event);
  const ports = await subscriptions();
  const { id } = await ports.tokens.verify(linkToken(event), 'unsubscribe');
  await unsubscribe(ports, id);
  return page(200, renderUnsubscribed(), tokenPageHeaders);
});
