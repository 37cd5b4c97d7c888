import { app } from '../composition';
import { publicMeeting } from '../core/meetings/use-cases';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { publicMeetingView } from './views/meetings';

export const handler = httpRoute(async (event) => {
  const meeting = await publicMeeting(app.meetings.store, event.pathParameters?.id ?? '');
  return json(200, publicMeetingView(meeting, app.clock.now()));
});
