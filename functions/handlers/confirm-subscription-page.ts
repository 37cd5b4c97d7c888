import { tokens } from '../composition/keys';
import { checkConfirmationToken } from '../core/subscriptions/use-cases';
import { renderConfirmPage } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/** The page the opt-in link opens: it checks the link and shows a button; a GET never confirms. */
export const handler = httpRoute(async (event) => {
  await checkConfirmationToken(await tokens(), linkToken(event));
  return page(200, renderConfirmPage(), tokenPageHeaders);
});
