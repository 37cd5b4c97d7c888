import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock } from '../composition/process';
import { publicMeetingAt } from '../core/meetings/catalogue';
import { meetingAddress } from '../core/meetings/model';
import { meetingPath } from '../paths';
import { renderMeetingPage } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { looksLikeToken } from './http/request';
import { movedPermanently, page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/**
 * The meeting and its form; opened from a personal invitation link, the form carries it (never cached). At an
 * address that is not the meeting's own now (its id while it has a slug, or a slug it had): a 301 to it.
 */
export const handler = httpRoute(async (event) => {
  const address = event.pathParameters?.id ?? '';
  const meeting = await publicMeetingAt(meetingCatalogue(), address);
  if (meetingAddress(meeting) !== address) {
    return movedPermanently(
      `${meetingPath(meeting)}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
    );
  }
  const invitation = event.queryStringParameters?.uitnodiging;
  // Checked when the form is posted, not here (this page reads no secret).
  if (looksLikeToken(invitation)) {
    return page(200, renderMeetingPage(meeting, { now: clock.now(), invitation }), tokenPageHeaders);
  }
  return page(200, renderMeetingPage(meeting, { now: clock.now() }), {
    'cache-control': 'public, max-age=60',
  });
});
