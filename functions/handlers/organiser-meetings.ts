import { meetingLifecycle } from '../composition/meeting-lifecycle';
import type { OrganiserMeetingListBody } from '../contract/schemas/meetings';
import { organiserMeetingPage } from '../core/meetings/lifecycle';
import { httpRoute } from './http/edge';
import { parseQuery } from './http/request';
import { json } from './http/respond';
import { meetingListCursor, meetingListQuery } from './inputs/meetings';
import { organiserMeetingView } from './views/meetings';

/** Every meeting, drafts and cancelled ones too (or those of one `status`), by start time: Queries, never a Scan. */
export const handler = httpRoute(async (event) => {
  const { status, cursor, limit } = parseQuery(event, meetingListQuery);
  const page = await organiserMeetingPage(meetingLifecycle().store, {
    ...(status ? { statuses: [status] } : {}),
    ...(cursor ? { after: cursor } : {}),
    limit,
  });
  return json(200, {
    items: page.items.map(organiserMeetingView),
    nextCursor: page.nextAfter === null ? null : meetingListCursor.encode(page.nextAfter),
  } satisfies OrganiserMeetingListBody);
});
