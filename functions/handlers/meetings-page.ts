import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock, siteUrl } from '../composition/process';
import { upcomingMeetings } from '../core/meetings/catalogue';
import { renderMeetingList } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

export const handler = httpRoute(async () => {
  const now = clock.now();
  return page(200, renderMeetingList(await upcomingMeetings(meetingCatalogue(), now), now, siteUrl), {
    'cache-control': 'public, max-age=60',
  });
});
