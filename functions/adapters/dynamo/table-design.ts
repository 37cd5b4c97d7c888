/**
 * The single-table key design, declared once. The CDK table (lib/) and the local table (local/) are both
 * built from `tableDesign`; every key the code writes or queries is built by `keys` below, so the whole key
 * design of the system can be read in this one file.
 *
 * Entities (PK / SK; GSI1PK / GSI1SK where listed):
 * - seed marker        SYSTEM / SEED#<version>                 written once by the local demo seed
 * - person             PERSON#<personId> / PERSON              the address and name, shared by every relation;
 *                                                              personId is an HMAC of the normalised address
 * - subscription       PERSON#<personId> / SUBSCRIPTION        status, topics, consent; pending ones expire (TTL)
 *                      GSI1: SUBSCRIBERS#<status> / <changedAt>#<personId>   lists per status, newest last
 * - topic membership   TOPIC#<topic> / MEMBER#<personId>       one per topic of an active subscriber
 * - subscriber counts  COUNTERS / SUBSCRIBERS                  active per topic, kept in the same transactions
 * - mail rate          PERSON#<personId> / MAILRATE            sends in the last hour (TTL)
 * - suppression        PERSON#<personId> / SUPPRESSED          never mail: a hard bounce, a complaint or three soft
 *                                                              bounces (the SES events function); no address in it
 * - meeting            MEETING#<meetingId> / MEETING           details, status, counters (confirmed, waiting)
 *                      GSI1: MEETINGS#<status> / <startsAt>#<meetingId>   by date per status
 * - registration       MEETING#<meetingId> / REGISTRATION#<personId>   one per person per meeting
 * - waiting-list place MEETING#<meetingId> / WAITING#<waitingKey>      ordered: the head is the first Query item
 * - registration needs MEETING#<meetingId> / NEEDS#<personId>          dietary, accessibility; TTL 30 days after
 * - reminder run       MEETING#<meetingId> / REMINDER                  when the reminder first fired: its cutoff
 * - outbox mail        OUTBOX#<mailId> / MAIL                  written with a state change; the stream relays it;
 *                                                              its delivery state (claim, lease, outcome) on it
 * - outbox job         OUTBOX#<jobId> / JOB                    a fan-out written with a change (a meeting moved)
 *                      GSI1: OUTBOX#pending / <sweepAt>#<id>   while unsettled: the sweeper's Query of what is due
 *                      GSI1: OUTBOX#failed / <failedAt>#<id>   once given up on: the list of failed mail
 * - soft bounces       PERSON#<personId> / SOFTBOUNCES         soft bounces since the last delivery (TTL)
 * - SES feedback       PERSON#<personId> / FEEDBACK#<id>       an SES event already applied (TTL): redelivery is a no-op
 * - schedule           SCHEDULE#<name> / SCHEDULE              offline only: a one-time schedule of the local
 *                                                              scheduler (in AWS, EventBridge Scheduler keeps them)
 *                      GSI1: SCHEDULES#due / <dueAt>#<name>    due ones are a Query; a schedule given up on
 *                                                              leaves the index and stays for `fire`
 */

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface GlobalIndexDesign {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

export interface TableDesign {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalIndexes: readonly GlobalIndexDesign[];
  /** Epoch seconds. DynamoDB deletes expired items late (up to days in AWS): reads treat `expiresAt < now` as absent. */
  readonly timeToLiveAttribute: string;
  /** The stream relays outbox items to the mail function (docs/architecture.md, "Mail delivery"). */
  readonly stream: 'NEW_AND_OLD_IMAGES';
}

export const tableDesign: TableDesign = {
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalIndexes: [
    {
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
};

/** The key of an item in the base table. */
export interface ItemKey {
  readonly PK: string;
  readonly SK: string;
}

export const keys = {
  seedMarker: (version: string): ItemKey => ({ PK: 'SYSTEM', SK: `SEED#${version}` }),
  person: (personId: string): ItemKey => ({ PK: `PERSON#${personId}`, SK: 'PERSON' }),
  subscription: (personId: string): ItemKey => ({ PK: `PERSON#${personId}`, SK: 'SUBSCRIPTION' }),
  subscriptionsByStatus: (status: string) => ({ GSI1PK: `SUBSCRIBERS#${status}` }),
  subscriptionListing: (status: string, changedAt: string, personId: string) => ({
    GSI1PK: `SUBSCRIBERS#${status}`,
    GSI1SK: `${changedAt}#${personId}`,
  }),
  topicMember: (topic: string, personId: string): ItemKey => ({
    PK: `TOPIC#${topic}`,
    SK: `MEMBER#${personId}`,
  }),
  topicMembers: (topic: string) => ({ PK: `TOPIC#${topic}` }),
  subscriberCounts: (): ItemKey => ({ PK: 'COUNTERS', SK: 'SUBSCRIBERS' }),
  mailRate: (personId: string): ItemKey => ({ PK: `PERSON#${personId}`, SK: 'MAILRATE' }),
  suppression: (personId: string): ItemKey => ({ PK: `PERSON#${personId}`, SK: 'SUPPRESSED' }),
  personItems: (personId: string) => ({ PK: `PERSON#${personId}` }),
  meeting: (meetingId: string): ItemKey => ({ PK: `MEETING#${meetingId}`, SK: 'MEETING' }),
  meetingsByStatus: (status: string) => ({ GSI1PK: `MEETINGS#${status}` }),
  meetingListing: (status: string, startsAt: string, meetingId: string) => ({
    GSI1PK: `MEETINGS#${status}`,
    GSI1SK: `${startsAt}#${meetingId}`,
  }),
  registration: (meetingId: string, personId: string): ItemKey => ({
    PK: `MEETING#${meetingId}`,
    SK: `REGISTRATION#${personId}`,
  }),
  waitingPlace: (meetingId: string, waitingKey: string): ItemKey => ({
    PK: `MEETING#${meetingId}`,
    SK: `WAITING#${waitingKey}`,
  }),
  /** A meeting's waiting-list places, first come first: the items of `PK` whose SK begins with `skPrefix`. */
  waitingPlaces: (meetingId: string) => ({ PK: `MEETING#${meetingId}`, skPrefix: 'WAITING#' }),
  /**
   * A meeting's registrations with their needs: the items of `PK` with SK between `skFrom` and `skTo`
   * (NEEDS# and REGISTRATION# sort between them, WAITING# after them; `~` sorts after every id character).
   */
  registrationsWithNeeds: (meetingId: string) => ({
    PK: `MEETING#${meetingId}`,
    skFrom: 'NEEDS#',
    skTo: 'REGISTRATION#~',
  }),
  reminderRun: (meetingId: string): ItemKey => ({ PK: `MEETING#${meetingId}`, SK: 'REMINDER' }),
  registrationNeeds: (meetingId: string, personId: string): ItemKey => ({
    PK: `MEETING#${meetingId}`,
    SK: `NEEDS#${personId}`,
  }),
  softBounces: (personId: string): ItemKey => ({ PK: `PERSON#${personId}`, SK: 'SOFTBOUNCES' }),
  sesFeedback: (personId: string, feedbackId: string): ItemKey => ({
    PK: `PERSON#${personId}`,
    SK: `FEEDBACK#${feedbackId}`,
  }),
  outboxMail: (mailId: string): ItemKey => ({ PK: `OUTBOX#${mailId}`, SK: 'MAIL' }),
  outboxJob: (jobId: string): ItemKey => ({ PK: `OUTBOX#${jobId}`, SK: 'JOB' }),
  unsettledOutbox: () => ({ GSI1PK: 'OUTBOX#pending' }),
  /** `sweepAt` is an ISO instant of fixed width (toISOString), so the sort key orders by time. */
  unsettledOutboxListing: (sweepAt: string, outboxId: string) => ({
    GSI1PK: 'OUTBOX#pending',
    GSI1SK: `${sweepAt}#${outboxId}`,
  }),
  failedOutbox: () => ({ GSI1PK: 'OUTBOX#failed' }),
  failedOutboxListing: (failedAt: string, outboxId: string) => ({
    GSI1PK: 'OUTBOX#failed',
    GSI1SK: `${failedAt}#${outboxId}`,
  }),
  schedule: (name: string): ItemKey => ({ PK: `SCHEDULE#${name}`, SK: 'SCHEDULE' }),
  dueSchedules: () => ({ GSI1PK: 'SCHEDULES#due' }),
  /** `dueAt` is an ISO instant of fixed width (toISOString), so the sort key orders by time. */
  scheduleListing: (dueAt: string, name: string) => ({ GSI1PK: 'SCHEDULES#due', GSI1SK: `${dueAt}#${name}` }),
};

/**
 * The upper bound, for a Query of a time-ordered listing (`<instant>#<id>`), of every listing at or before
 * `instant`, whatever id follows it. `instant` is an ISO instant of fixed width.
 */
export const listedUntil = (instant: string): string => `${instant}#\uffff`;

/** Outbox items carry this prefix; the stream relay's filter selects them by it. */
export const outboxKeyPrefix = 'OUTBOX#';
