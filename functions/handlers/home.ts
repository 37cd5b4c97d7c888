import { renderHomePage } from '../web/pages/home';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

export const handler = httpRoute(async () =>
  page(200, renderHomePage(), { 'cache-control': 'public, max-age=300' }),
);
