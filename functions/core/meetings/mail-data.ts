import type { OutboxMail, OutboxMailKind } from '../mailings/outbox';
import { calendarSequence, type Meeting, type Registration } from './model';

/**
 * What a meeting mail needs, as the plain strings an outbox mail carries: a snapshot of the meeting at the
 * time of the change, so the mail says what was true when it was written.
 */
export interface MeetingMailData {
  readonly meetingId: string;
  readonly registrationId: string;
  readonly title: string;
  readonly city: string;
  readonly venueAddress: string;
  readonly startsAt: string;
  readonly endsAt: string;
  /** The participant's calendar SEQUENCE (calendarSequence), as a decimal string. */
  readonly sequence: string;
  readonly description: string;
  /** A cancelled meeting's: what the organiser told the participants (absent when nothing). */
  readonly cancellationMessage?: string;
}

export const meetingMailData = (meeting: Meeting, registration: Registration): Record<string, string> => {
  const data: MeetingMailData = {
    meetingId: meeting.meetingId,
    registrationId: registration.registrationId,
    title: meeting.title,
    city: meeting.city,
    venueAddress: meeting.venueAddress,
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    sequence: String(calendarSequence(meeting, registration)),
    description: meeting.description,
    ...(meeting.cancellationMessage ? { cancellationMessage: meeting.cancellationMessage } : {}),
  };
  return { ...data };
};

/**
 * A mail about a meeting to one registered person. Someone who only ever waited has no calendar entry
 * (`hadInvite: false`): a CANCEL to them would be noise.
 */
export const meetingMail = (
  kind: OutboxMailKind,
  meeting: Meeting,
  registration: Registration,
  { mailId, createdAt, hadInvite = true }: { mailId: string; createdAt: string; hadInvite?: boolean },
): OutboxMail => ({
  mailId,
  kind,
  recipient: { personId: registration.personId, address: registration.email, name: registration.name },
  data: { ...meetingMailData(meeting, registration), ...(hadInvite ? {} : { calendar: 'none' }) },
  createdAt,
});

/** The id a cancel link carries: meeting, person and this registration, so an old link cannot cancel a new one. */
export const cancelTokenId = (
  registration: Pick<Registration, 'meetingId' | 'personId' | 'registrationId'>,
): string => `${registration.meetingId}.${registration.personId}.${registration.registrationId}`;

export const parseCancelTokenId = (
  id: string,
): { meetingId: string; personId: string; registrationId: string } | undefined => {
  const [meetingId, personId, registrationId, ...rest] = id.split('.');
  return meetingId && personId && registrationId && rest.length === 0
    ? { meetingId, personId, registrationId }
    : undefined;
};
