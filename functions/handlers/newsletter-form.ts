import { emptyNewsletterForm, renderNewsletterForm } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

export const handler = httpRoute(async () =>
  page(200, renderNewsletterForm(emptyNewsletterForm), { 'cache-control': 'public, max-age=300' }),
);
