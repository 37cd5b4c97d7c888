import { subscriptionPorts } from '../composition/subscriptions';
import { mailManageLink } from '../core/subscriptions/use-cases';
import { renderFreshLinkPage, renderFreshLinkSent } from '../web/pages/fresh-link';
import { httpRoute } from './http/edge';
import { fieldIssues, parseFormBody } from './http/request';
import { page } from './http/respond';
import { freshLinkForm } from './inputs/subscriptions';

/** Every accepted address gets the same page, whatever its state; a filled honeypot too, and nothing is sent. */
export const handler = httpRoute(async (event) => {
  const form = await parseFormBody(event);
  if (form.get('website')) return page(200, renderFreshLinkSent());
  const parsed = freshLinkForm.safeParse({ email: form.get('email') ?? '' });
  if (!parsed.success) {
    const values = { email: form.get('email') ?? '' };
    return page(400, renderFreshLinkPage('manage-preferences', values, fieldIssues(parsed.error)));
  }
  await mailManageLink(await subscriptionPorts(), parsed.data.email);
  return page(200, renderFreshLinkSent());
});
