import { tokens } from '../composition/keys';
import { renderUnsubscribePage } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/** A GET shows the button only: a mail scanner following the link unsubscribes nobody. */
export const handler = httpRoute(async (event) => {
  await (await tokens()).verify(linkToken(event), 'unsubscribe');
  return page(200, renderUnsubscribePage(), tokenPageHeaders);
});
