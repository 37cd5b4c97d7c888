import { renderFreshLinkPage } from '../web/pages/fresh-link';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

/** The fresh-link form on its own (a link with a retired key shows it too, with status 410). */
export const handler = httpRoute(async () => page(200, renderFreshLinkPage('manage-preferences')));
