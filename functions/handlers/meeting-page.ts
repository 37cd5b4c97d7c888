import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock } from '../composition/process';
import { publicMeeting } from '../core/meetings/catalogue';
import { renderMeetingPage } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { page } from './http/respond';

export const handler = httpRoute(async (event) => {
  const meeting = await publicMeeting(meetingCatalogue(), event.pathParameters?.id ?? '');
  return page(200, renderMeetingPage(meeting, { now: clock.now() }), {
    'cache-control': 'public, max-age=60',
  });
});
