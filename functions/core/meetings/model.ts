/** Roles a participant picks from on the registration form. */
export const participantRoles = ['jongerenwerker', 'manager', 'beleidsmedewerker', 'anders'] as const;
export type ParticipantRole = (typeof participantRoles)[number];

export const meetingStatuses = ['draft', 'published', 'cancelled'] as const;
export type MeetingStatus = (typeof meetingStatuses)[number];

/** Which questions the registration form asks. Asked questions are required, except the needs. */
export interface MeetingQuestions {
  readonly organisation: boolean;
  readonly role: boolean;
  readonly municipality: boolean;
  /** Dietary and accessibility needs: special-category data, optional, deleted 30 days after the meeting. */
  readonly needs: boolean;
}

/** What an organiser sets. Times are UTC instants (ISO 8601 with Z); they are shown in Europe/Amsterdam. */
export interface MeetingDetails {
  readonly title: string;
  readonly description: string;
  readonly city: string;
  readonly venueAddress: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly capacity: number;
  readonly registrationOpensAt: string;
  readonly registrationClosesAt: string;
  readonly waitingListEnabled: boolean;
  /** Hours before the start that the reminder goes out. Default 48. */
  readonly reminderLeadHours: number;
  readonly questions: MeetingQuestions;
  /**
   * A readable address of its own, `/bijeenkomsten/<slug>` (meetingAddress); without one the id is the
   * address. Unique among slugs and ids; a slug once taken keeps leading to its meeting (a 301 after a change).
   */
  readonly slug?: string;
}

/** The address of a meeting's page: its slug, else its id. */
export const meetingAddress = (
  meeting: Pick<MeetingDetails, 'slug'> & { readonly meetingId: string },
): string => meeting.slug ?? meeting.meetingId;

export interface Meeting extends MeetingDetails {
  readonly meetingId: string;
  readonly status: MeetingStatus;
  /** Kept in the same transactions as the registrations they count. */
  readonly confirmedCount: number;
  readonly waitingCount: number;
  /**
   * The last waiting-list ticket handed out (absent: none yet). Each join takes the next under a condition
   * on this number, so the queue's order is the order its joins committed in (capacity.ts).
   */
  readonly waitingTicket?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly publishedAt?: string;
  readonly cancelledAt?: string;
  /** What the organiser told the participants when cancelling it; the cancellation mail carries it. */
  readonly cancellationMessage?: string;
  /** When the retention job removed the personal data of its registrations (registration-retention.ts). */
  readonly personalDataRemovedAt?: string;
  /** Optimistic concurrency and the ETag of the organiser API. */
  readonly version: number;
  /**
   * iCalendar SEQUENCE of the meeting: raised when its time or place changes and when it is cancelled, so
   * calendars take the update. A participant's invite carries this plus their registration's version (see
   * calendarSequence), which rises with every change of their own registration too.
   */
  readonly sequence: number;
}

export const registrationStatuses = ['confirmed', 'waiting', 'cancelled'] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

export interface RegistrationAnswers {
  readonly organisation?: string;
  readonly role?: ParticipantRole;
  readonly municipality?: string;
}

/** Special-category data, stored apart from the registration with its own expiry. */
export interface RegistrationNeeds {
  readonly dietary?: string;
  readonly accessibility?: string;
}

/** What every registration records, whether or not it still says who registered. */
interface RegistrationRecord {
  readonly meetingId: string;
  readonly personId: string;
  /** New for every registration of this person for this meeting; binds the cancel link to it. */
  readonly registrationId: string;
  readonly status: RegistrationStatus;
  readonly registeredAt: string;
  /** Waiting only: orders the waiting list (a time-ordered id, so first come, first served). */
  readonly waitingKey?: string;
  readonly confirmedAt?: string;
  readonly cancelledAt?: string;
  readonly version: number;
}

export interface Registration extends RegistrationRecord {
  readonly email: string;
  readonly name: string;
  readonly answers: RegistrationAnswers;
}

/**
 * A registration after its meeting's retention period (core/retention.ts): the name, the address, the
 * organisation and the municipality are gone; the role, the status and the times stay, as do the meeting's
 * counts. Nobody can be mailed or act through it any more.
 */
export interface AnonymisedRegistration extends RegistrationRecord {
  readonly answers: Pick<RegistrationAnswers, 'role'>;
  readonly anonymisedAt: string;
}

/** A registration as stored: with the person's details, or without them once its meeting is long past. */
export type StoredRegistration = Registration | AnonymisedRegistration;

/** Whether the registration still says who registered (so it can be mailed). */
export const hasPersonalData = (registration: StoredRegistration): registration is Registration =>
  !('anonymisedAt' in registration);

export type RegistrationWindow = 'not-open-yet' | 'open' | 'closed';

export const registrationWindow = (meeting: MeetingDetails, now: Date): RegistrationWindow => {
  if (now.getTime() < Date.parse(meeting.registrationOpensAt)) return 'not-open-yet';
  if (
    now.getTime() >= Date.parse(meeting.registrationClosesAt) ||
    now.getTime() >= Date.parse(meeting.startsAt)
  ) {
    return 'closed';
  }
  return 'open';
};

/** Public means published, or cancelled after publication (so people see it was called off); drafts are not. */
export const isPublic = (meeting: Meeting): boolean =>
  meeting.status === 'published' || (meeting.status === 'cancelled' && meeting.publishedAt !== undefined);

/**
 * The SEQUENCE of one participant's copy of the meeting: both terms only ever rise, so every REQUEST or
 * CANCEL a participant receives has a higher SEQUENCE than the one before (a cancel, then a new registration,
 * then an update of the meeting all move forward).
 */
export const calendarSequence = (
  meeting: Pick<Meeting, 'sequence'>,
  registration: Pick<Registration, 'version'>,
): number => meeting.sequence + registration.version;

/** When the reminder of a meeting goes out: its lead time in absolute hours before the start. */
export const reminderAt = (meeting: Pick<MeetingDetails, 'startsAt' | 'reminderLeadHours'>): Date =>
  new Date(Date.parse(meeting.startsAt) - meeting.reminderLeadHours * 3600_000);

/** The name of a meeting's one-time reminder schedule. */
export const reminderScheduleName = (meetingId: string): string => `reminder-${meetingId}`;
