import { app } from '../composition';
import { isPublic } from '../core/meetings/model';
import { upcomingMeetings } from '../core/meetings/use-cases';
import { meetingFeed } from '../web/calendar/ics';
import { httpRoute } from './http/edge';

/** /bijeenkomsten/agenda.ics: the upcoming public meetings as a calendar to subscribe to. */
export const handler = httpRoute(async () => {
  const meetings = await upcomingMeetings(app.meetings.store, app.clock.now());
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': 'inline; filename="agenda.ics"',
      'cache-control': 'public, max-age=300',
    },
    body: meetingFeed(meetings.filter(isPublic), {
      // As the invites have it (composition.ts: the host of PUBLIC_BASE_URL), so both name one UID.
      calendarDomain: new URL(app.siteUrl).hostname,
      siteUrl: app.siteUrl,
    }),
  };
});
