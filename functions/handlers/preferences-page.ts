import { subscriptions } from '../composition/subscriptions';
import { preferencesOf } from '../core/subscriptions/use-cases';
import { renderPreferences } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

export const handler = httpRoute(async (event) => {
  const ports = await subscriptions();
  const { id } = await ports.tokens.verify(linkToken(event), 'manage-preferences');
  const { subscription, meetingMailingsOptOutAt } = await preferencesOf(ports, id);
  return page(
    200,
    renderPreferences({
      email: subscription.email,
      name: subscription.name ?? '',
      topics: subscription.topics,
      meetingMailingsOff: meetingMailingsOptOutAt !== undefined,
    }),
    tokenPageHeaders,
  );
});
