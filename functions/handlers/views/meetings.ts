import type { OrganiserMeetingBody, PublicMeetingBody } from '../../contract/schemas/meetings';
import { placesForNewcomers } from '../../core/meetings/capacity';
import { type Meeting, registrationWindow } from '../../core/meetings/model';

/** A meeting as the public API shows it: no counts beyond the places left. Times in UTC (RFC 3339, Z). */
export const publicMeetingView = (meeting: Meeting, now: Date): PublicMeetingBody => ({
  id: meeting.meetingId,
  status: meeting.status,
  title: meeting.title,
  description: meeting.description,
  city: meeting.city,
  venueAddress: meeting.venueAddress,
  startsAt: meeting.startsAt,
  endsAt: meeting.endsAt,
  capacity: meeting.capacity,
  // Seats freed while people wait are theirs (the queue goes first), as the page says too.
  placesLeft: placesForNewcomers(meeting),
  waitingListEnabled: meeting.waitingListEnabled,
  registration: {
    opensAt: meeting.registrationOpensAt,
    closesAt: meeting.registrationClosesAt,
    state: meeting.status === 'cancelled' ? 'closed' : registrationWindow(meeting, now),
  },
  questions: meeting.questions,
  /** The page's own address segment, if the meeting has one; else its id is the address. */
  slug: meeting.slug ?? null,
});

/** The organiser's view: everything, counters included. */
export const organiserMeetingView = (meeting: Meeting): OrganiserMeetingBody => ({
  ...meeting,
  id: meeting.meetingId,
});

/** The version as an HTTP entity tag, for If-Match. */
export const etagOf = (meeting: Meeting): string => `"${meeting.version}"`;
