import { tokens } from '../composition/keys';
import { unsubscribeScopeOf } from '../core/subscriptions/unsubscribe-scope';
import { renderUnsubscribePage } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/**
 * A GET shows the button only: a mail scanner following the link unsubscribes nobody. The page says what
 * the link's scope will stop: everything, the topics of a mailing, or mailings to meeting audiences.
 */
export const handler = httpRoute(async (event) => {
  const { id } = await (await tokens()).verify(linkToken(event), 'unsubscribe');
  return page(200, renderUnsubscribePage(unsubscribeScopeOf(id)), tokenPageHeaders);
});
