import { subscriptionPorts } from '../composition/subscriptions';
import { subscribe } from '../core/subscriptions/use-cases';
import { renderCheckYourMail, renderNewsletterForm } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { parseFormBody } from './http/request';
import { page } from './http/respond';
import {
  newsletterFormValues,
  subscribeForm,
  subscribeFormInput,
  subscribeFormIssues,
} from './inputs/subscriptions';

/** The form on /nieuwsbrief. Every accepted submission gets the same page, whatever the address's state. */
export const handler = httpRoute(async (event) => {
  const form = await parseFormBody(event);
  if (form.get('website')) return page(200, renderCheckYourMail());
  const parsed = subscribeForm.safeParse(subscribeFormInput(form));
  if (!parsed.success) {
    return page(
      400,
      renderNewsletterForm(newsletterFormValues(form), subscribeFormIssues(form, parsed.error)),
    );
  }
  const { consentVersion, consent: _, ...request } = parsed.data;
  await subscribe(await subscriptionPorts(), {
    ...request,
    source: 'form',
    consentTextVersion: consentVersion,
  });
  return page(200, renderCheckYourMail());
});
