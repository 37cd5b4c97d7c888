import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock } from '../composition/process';
import { reportStore } from '../composition/report-store';
import { upcomingMeetings } from '../core/meetings/catalogue';
import { renderHomePage } from '../web/pages/home';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

/** The home page: what Drop In is, the next three meetings and the three latest publications. */
export const handler = httpRoute(async () => {
  const [meetings, reports] = await Promise.all([
    upcomingMeetings(meetingCatalogue(), clock.now(), 3),
    reportStore().list({ status: 'published', limit: 3 }),
  ]);
  return page(200, renderHomePage({ meetings, reports: reports.items }), {
    'cache-control': 'public, max-age=60',
  });
});
