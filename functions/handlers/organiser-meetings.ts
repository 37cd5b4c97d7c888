import { meetingLifecycle } from '../composition/meeting-lifecycle';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { meetingListQuery } from './inputs/meetings';
import { organiserMeetingView } from './views/meetings';

/** Meetings per status (drafts included), by start time: a Query, never a Scan. */
export const handler = httpRoute(async (event) => {
  const { status, cursor, limit } = parseQuery(event, meetingListQuery);
  const page = await meetingLifecycle().store.listMeetings({ status, limit, ...(cursor ? { cursor } : {}) });
  return json(200, { items: page.items.map(organiserMeetingView), nextCursor: page.nextCursor });
});
