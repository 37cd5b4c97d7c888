import { meetingCatalogue } from '../composition/meeting-catalogue';
import { clock } from '../composition/process';
import { publicMeetingAt } from '../core/meetings/catalogue';
import { httpRoute } from './http/edge';
import { json } from './http/respond';
import { publicMeetingView } from './views/meetings';

export const handler = httpRoute(async (event) => {
  const meeting = await publicMeetingAt(meetingCatalogue(), event.pathParameters?.id ?? '');
  return json(200, publicMeetingView(meeting, clock.now()));
});
