import { app } from '../composition';
import { upcomingMeetings } from '../core/meetings/use-cases';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { publicMeetingView } from './views/meetings';

export const handler = httpRoute(async () => {
  const now = app.clock.now();
  const meetings = await upcomingMeetings(app.meetings.store, now);
  return json(200, { items: meetings.map((meeting) => publicMeetingView(meeting, now)) });
});
