import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock } from '../composition/process';
import type { PublicMeetingListBody } from '../contract/schemas/meetings';
import { upcomingMeetings } from '../core/meetings/catalogue';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { publicMeetingView } from './views/meetings';

export const handler = httpRoute(async () => {
  const now = clock.now();
  const meetings = await upcomingMeetings(meetingCatalogue(), now);
  return json(200, {
    items: meetings.map((meeting) => publicMeetingView(meeting, now)),
  } satisfies PublicMeetingListBody);
});
