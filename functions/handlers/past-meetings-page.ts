import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock } from '../composition/process';
import { reportStore } from '../composition/report-store';
import { pastMeetings } from '../core/meetings/catalogue';
import { renderPastMeetings } from '../web/pages/past-meetings';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

/** /bijeenkomsten/eerder: the meetings that are over, latest first, each with its published reports. */
export const handler = httpRoute(async () => {
  const [meetings, reports] = await Promise.all([
    pastMeetings(meetingCatalogue(), clock.now()),
    // The archive is small (dozens a year): its newest hundred hold every meeting report worth showing.
    reportStore().list({ status: 'published', kind: 'verslag-bijeenkomst', limit: 100 }),
  ]);
  return page(200, renderPastMeetings(meetings, reports.items), { 'cache-control': 'public, max-age=300' });
});
