import { meetingCatalogue } from '../composition/meeting-catalogue';
import { calendarDomain, clock, siteUrl } from '../composition/process';
import { upcomingMeetings } from '../core/meetings/catalogue';
import { isPublic } from '../core/meetings/model';
import { meetingFeed } from '../web/calendar/ics';
import { httpRoute } from './http/edge';

/** /bijeenkomsten/agenda.ics: the upcoming public meetings as a calendar to subscribe to. */
export const handler = httpRoute(async () => {
  const meetings = await upcomingMeetings(meetingCatalogue(), clock.now());
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': 'inline; filename="agenda.ics"',
      'cache-control': 'public, max-age=300',
    },
    body: meetingFeed(meetings.filter(isPublic), {
      calendarDomain,
      siteUrl,
    }),
  };
});
