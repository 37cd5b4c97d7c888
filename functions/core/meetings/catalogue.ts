import { NotFound } from '../errors';
import { isPublic, type Meeting } from './model';
import type { MeetingAddresses, MeetingListPage, MeetingListQuery, MeetingReader } from './ports';

/**
 * The public catalogue: the meetings anyone may see (the list, a meeting's page, the calendar feed, the
 * public API). Read-only, and kept apart from the organiser's lifecycle so that the public pages, and
 * registering (which starts from `publicMeeting`), carry none of the organiser's write paths.
 */

export interface MeetingCatalogue extends MeetingAddresses {
  /** Strongly consistent. */
  getMeeting(meetingId: string): Promise<Meeting | undefined>;
  /** By start time, earliest first: a Query by date per status, never a Scan. */
  listMeetings(query: MeetingListQuery): Promise<MeetingListPage>;
}

/** A meeting as the public may see it: drafts do not exist for them. */
export const publicMeeting = async (store: MeetingReader, meetingId: string): Promise<Meeting> =>
  shownToThePublic(await store.getMeeting(meetingId));

const shownToThePublic = (meeting: Meeting | undefined): Meeting => {
  if (!meeting || !isPublic(meeting)) throw new NotFound('Deze bijeenkomst bestaat niet (meer).');
  return meeting;
};

/**
 * A public meeting at an address of its page (`/bijeenkomsten/<address>`): its id, or a slug it has or had.
 * Ids first: a meeting's id never changes, and no slug can be another meeting's id (the slug's claim checks).
 * Whether the address is the meeting's own now is `meetingAddress(meeting) === address`.
 */
export const publicMeetingAt = async (
  store: MeetingReader & MeetingAddresses,
  address: string,
): Promise<Meeting> => {
  const byId = await store.getMeeting(address);
  if (byId) return shownToThePublic(byId);
  const meetingId = await store.meetingIdAt(address);
  return shownToThePublic(meetingId === undefined ? undefined : await store.getMeeting(meetingId));
};

/** Upcoming published meetings, earliest first: a Query by date, never a Scan. */
export const upcomingMeetings = async (
  store: Pick<MeetingCatalogue, 'listMeetings'>,
  now: Date,
  limit = 50,
): Promise<readonly Meeting[]> => {
  const [published, cancelled] = await Promise.all([
    store.listMeetings({ status: 'published', from: now, limit }),
    store.listMeetings({ status: 'cancelled', from: now, limit }),
  ]);
  return [...published.items, ...cancelled.items]
    .filter(isPublic)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
    .slice(0, limit);
};

/** Published meetings that are over, the latest first: a Query by date, never a Scan. */
export const pastMeetings = async (
  store: Pick<MeetingCatalogue, 'listMeetings'>,
  now: Date,
  limit = 50,
): Promise<readonly Meeting[]> => {
  const { items } = await store.listMeetings({ status: 'published', before: now, limit });
  return items.filter((meeting) => isPublic(meeting) && Date.parse(meeting.endsAt) <= now.getTime());
};
