import { subscriptions } from '../composition/subscriptions';
import { unsubscribeScopeOf } from '../core/subscriptions/unsubscribe-scope';
import { unsubscribeWithin } from '../core/subscriptions/use-cases';
import { renderUnsubscribeDone } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { linkToken, parseFormBody } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` (urlencoded or multipart)
 * without cookies or Origin; the page's button posts the same. 200 also when already unsubscribed. The
 * token's scope (core/subscriptions/unsubscribe-scope.ts) says what it stops: every subscription mail, the
 * topics a mailing went to, or organiser mailings to meeting audiences.
 */
export const handler = httpRoute(async (event) => {
  await parseFormBody(event);
  const ports = await subscriptions();
  const { id } = await ports.tokens.verify(linkToken(event), 'unsubscribe');
  const scope = unsubscribeScopeOf(id);
  const outcome = await unsubscribeWithin(ports, scope);
  return page(200, renderUnsubscribeDone(scope, outcome), tokenPageHeaders);
});
