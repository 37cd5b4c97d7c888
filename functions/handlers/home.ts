import { logger } from '../adapters/logger';
import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock } from '../composition/process';
import { reportStore } from '../composition/report-store';
import { upcomingMeetings } from '../core/meetings/catalogue';
import { renderHomePage } from '../web/pages/home';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

/** The home page: what Drop In is, the next three meetings and the three latest publications. */
export const handler = httpRoute(async () => {
  // The front page stands without its lists: a section that cannot be read says so, and the rest shows.
  const [meetings, reports] = await Promise.allSettled([
    upcomingMeetings(meetingCatalogue(), clock.now(), 3),
    reportStore().list({ status: 'published', limit: 3 }),
  ]);
  for (const result of [meetings, reports]) {
    if (result.status === 'rejected') {
      logger.error('A section of the home page could not be read', {
        error: result.reason instanceof Error ? result.reason.name : String(result.reason),
      });
    }
  }
  return page(
    200,
    renderHomePage({
      meetings: meetings.status === 'fulfilled' ? meetings.value : undefined,
      reports: reports.status === 'fulfilled' ? reports.value.items : undefined,
    }),
    {
      'cache-control': 'public, max-age=60',
    },
  );
});
