import { app } from '../composition';
import { upcomingMeetings } from '../core/meetings/use-cases';
import { renderMeetingList } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

export const handler = httpRoute(async () => {
  const now = app.clock.now();
  return page(200, renderMeetingList(await upcomingMeetings(app.meetings.store, now), now, app.siteUrl), {
    'cache-control': 'public, max-age=60',
  });
});
