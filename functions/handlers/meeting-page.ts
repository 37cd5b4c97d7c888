import { app } from '../composition';
import { publicMeeting } from '../core/meetings/use-cases';
import { renderMeetingPage } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

export const handler = httpRoute(async (event) => {
  const meeting = await publicMeeting(app.meetings.store, event.pathParameters?.id ?? '');
  return page(200, renderMeetingPage(meeting, { now: app.clock.now() }), {
    'cache-control': 'public, max-age=60',
  });
});
