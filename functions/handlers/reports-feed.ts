import { calendarDomain, siteUrl } from '../composition/process';
import { reportStore } from '../composition/report-store';
import { reportFeed } from '../web/feeds/atom';
import { httpRoute } from './http/edge';

/** /publicaties/feed.xml: the 20 newest published reports as an Atom feed. */
export const handler = httpRoute(async () => {
  const { items } = await reportStore().list({ status: 'published', limit: 20 });
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/atom+xml; charset=utf-8',
      'cache-control': 'public, max-age=300',
    },
    body: reportFeed(items, { siteUrl, domain: calendarDomain }),
  };
});
