import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock } from '../composition/process';
import { publicMeeting } from '../core/meetings/catalogue';
import { renderMeetingPage } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { looksLikeToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/** The meeting and its form; opened from a personal invitation link, the form carries it (never cached). */
export const handler = httpRoute(async (event) => {
  const meeting = await publicMeeting(meetingCatalogue(), event.pathParameters?.id ?? '');
  const invitation = event.queryStringParameters?.uitnodiging;
  // Checked when the form is posted, not here (this page reads no secret).
  if (looksLikeToken(invitation)) {
    return page(200, renderMeetingPage(meeting, { now: clock.now(), invitation }), tokenPageHeaders);
  }
  return page(200, renderMeetingPage(meeting, { now: clock.now() }), {
    'cache-control': 'public, max-age=60',
  });
});
