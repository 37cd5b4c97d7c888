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
 *                      GSI1: SUPPRESSIONS / <suppressedAt>#<personId>   the admins' list, newest last
 * - meeting            MEETING#<meetingId> / MEETING           details, status, counters (confirmed, waiting)
 *                      GSI1: MEETINGS#<status> / <startsAt>#<meetingId>   by date per status
 * - registration       MEETING#<meetingId> / REGISTRATION#<personId>   one per person per meeting; anonymised
 *                                                              (`anonymisedAt`) after the retention period, and the
 *                                                              meeting marked `personalDataRemovedAt` (core/retention.ts)
 * - waiting-list place MEETING#<meetingId> / WAITING#<waitingKey>      ordered: the head is the first Query item;
 *                                                              the key is the place's ticket (capacity.ts)
 * - registration request MEETING#<meetingId> / PENDING#<personId>      waiting for its confirmation by mail: the
 *                                                              answers, no seat; TTL 24 h or registration close
 * - registration needs MEETING#<meetingId> / NEEDS#<personId>          dietary, accessibility; TTL 30 days after
 * - reminder run       MEETING#<meetingId> / REMINDER                  when the reminder first fired: its cutoff
 * - outbox mail        OUTBOX#<mailId> / MAIL                  written with a state change; the stream relays it;
 *                                                              its delivery state (claim, lease, outcome) on it
 * - outbox job         OUTBOX#<jobId> / JOB                    a fan-out written with a change (a meeting moved)
 *                      GSI1: OUTBOX#pending / <sweepAt>#<id>   while unsettled: the sweeper's Query of what is due
 *                      GSI1: OUTBOX#failed / <failedAt>#<id>   once given up on: the list of failed mail
 * - asked by an import PERSON#<personId> / IMPORTASKED         an import asked them to confirm (its id; no address):
 *                                                              no import asks again while it lasts (TTL two years)
 * - soft bounces       PERSON#<personId> / SOFTBOUNCES         soft bounces since the last delivery (TTL)
 * - SES feedback       PERSON#<personId> / FEEDBACK#<id>       an SES event already applied (TTL): redelivery is a no-op
 * - schedule           SCHEDULE#<name> / SCHEDULE              offline only: a one-time schedule of the local
 *                                                              scheduler (in AWS, EventBridge Scheduler keeps them)
 *                      GSI1: SCHEDULES#due / <dueAt>#<name>    due ones are a Query; a schedule given up on
 *                                                              leaves the index and stays for `fire`
 * - mailing            MAILING#<mailingId> / MAILING           content, audience, status, version, what it rendered to
 *                      GSI1: MAILINGS / <createdAt>#<mailingId>           every mailing, newest first
 * - mailing recipient  MAILING#<mailingId> / RECIPIENT#<personId>   one per person of the audience snapshot: its send
 *                                                              ledger entry (state, claim, outcome; no address; TTL)
 * - sending progress   MAILING#<mailingId> / PROGRESS          the sender's: snapshot cursor, counts, rate, SES feedback
 * - subscriber import  IMPORT#<importId> / IMPORT             an organiser's import of addresses: the source stated,
 *                                                              topics, evidence, who, status, the report (no address)
 * - import member      IMPORT#<importId> / MEMBER#<personId>   one per person the import made pending: the audience
 *                                                              `{ import: id }` of its confirmation mailing (TTL: the
 *                                                              pending subscription's expiry)
 * - report             REPORT#<reportId> / REPORT              content, rendered body, status, version
 *                      GSI1: REPORTS#<status> / <publishedOn>#<reportId>   the archive per status, by date
 * - report request     REPORT#<reportId> / REQUEST#<personId>  who asked for an on-request report: details, consent
 *                                                              version, status, downloads (TTL: the stage's retention)
 * - meeting address    MEETINGSLUG#<slug> / SLUG               which meeting a slug names (claimed once, with a check
 *                                                              that no meeting has it as id; an old slug keeps
 *                                                              naming its meeting, for the redirect)
 * - report address     REPORTSLUG#<slug> / SLUG                which report a slug names (claimed once; an old
 *                                                              slug keeps naming its report, for the redirect)
 * - audit entry        AUDIT#<entryId> / AUDIT                 an organiser's action: who, what, when, the versions,
 *                                                              the names of the fields changed (TTL: the audit retention)
 *                      GSI1: AUDIT#<kind> / <entryId>          the trail of one kind (entry ids are time-ordered);
 *                                                              the whole trail is these lists merged (audit-trail-reader.ts)
 * - last Vooruitblik   SYSTEM / DIGEST#vooruitblik             the last digest sent: its time, until when its news ran
 * - sender lease       SYSTEM / SENDER                         which process sends mailings (one per account)
 * - transactional sends SENDS / SECOND#<epochSecond>           transactional mails sent in that second (TTL): the
 *                                                              mailing sender gives way to what exceeds the reserve
 * - backfill progress  SYSTEM / BACKFILL#<name>                where a maintenance backfill stopped (its Scan's
 *                                                              LastEvaluatedKey), so a rerun resumes there
 * - request count      LIMIT#<kind>#<subject> / WINDOW#<windowStart>   public POSTs in one minute (windowStart in
 *                                                              epoch seconds, zero-padded) of one client network
 *                                                              (kind `client`) or one link token (`token`); subject
 *                                                              is a keyed hash, never an IP address or a token; an
 *                                                              atomic ADD per request; TTL a minute after the window
 *
 * The person index (PersonIndex: PersonPK / PersonSK, every attribute projected) lists every item that names
 * a person under PERSON#<personId>, so one Query finds all of one person's records (export, erasure) without
 * a Scan. The sort key begins with the item's kind (`personEntityKinds`), so begins_with narrows to one kind:
 *   person PERSON · subscription SUBSCRIPTION · topic membership MEMBER#<topic> · mail rate MAILRATE ·
 *   suppression SUPPRESSED · soft bounces SOFTBOUNCES · SES feedback FEEDBACK#<feedbackId> ·
 *   registration REGISTRATION#<meetingId> · waiting-list place WAITING#<meetingId> ·
 *   registration needs NEEDS#<meetingId> · registration request PENDING#<meetingId> ·
 *   outbox job about one person JOB#<jobId> · outbox mail OUTBOX#<mailId> (its recipient; the send ledger entry) ·
 *   mailing recipient RECIPIENT#<mailingId> · report request REPORTREQUEST#<reportId> ·
 *   audit entry about a person AUDIT#<entryId> · import member IMPORTED#<importId> · asked by an import IMPORTASKED
 * Meetings' outbox jobs, meetings, counters (request counts too) and schedules name no single person and are not listed. Writers add the
 * attributes through `listedForPerson` / `personListingOf`; items written before the index are given them by the backfill
 * (local/maintenance/person-index-backfill.ts, docs/architecture.md "The person index").
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

/** The person index: every item that names a person, under PERSON#<personId> (the entity list above). */
export const personIndexName = 'PersonIndex';

/**
 * The kinds of item that name a person, each with the word its PersonSK begins with. No word is the start of
 * another, so begins_with on one selects that kind alone.
 */
export const personEntityKinds = {
  person: 'PERSON',
  subscription: 'SUBSCRIPTION',
  topicMember: 'MEMBER',
  mailRate: 'MAILRATE',
  suppression: 'SUPPRESSED',
  softBounces: 'SOFTBOUNCES',
  sesFeedback: 'FEEDBACK',
  registration: 'REGISTRATION',
  waitingPlace: 'WAITING',
  registrationNeeds: 'NEEDS',
  pendingRegistration: 'PENDING',
  outboxMail: 'OUTBOX',
  outboxJob: 'JOB',
  mailingRecipient: 'RECIPIENT',
  reportRequest: 'REPORTREQUEST',
  auditEntry: 'AUDIT',
  importMember: 'IMPORTED',
  importAsked: 'IMPORTASKED',
} as const;
export type PersonEntityKind = keyof typeof personEntityKinds;

/** The attributes that list an item in the person index (a type, not an interface: items are records). */
export type PersonListing = {
  readonly PersonPK: string;
  readonly PersonSK: string;
};

/** What of an item says which person it names: its keys, and for some kinds an attribute. */
export type PersonNamingFields = {
  readonly PK?: unknown;
  readonly SK?: unknown;
  readonly personId?: unknown;
  readonly recipient?: unknown;
  readonly job?: unknown;
};

export const tableDesign: TableDesign = {
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalIndexes: [
    {
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
    },
    {
      indexName: personIndexName,
      partitionKey: { name: 'PersonPK', type: 'S' },
      sortKey: { name: 'PersonSK', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
};

/**
 * Every request count's partition key begins with this: the one grant a function gets that counts requests
 * without otherwise writing the table is limited to these partitions (lib/app-function.ts).
 */
export const requestCountKeyPrefix = 'LIMIT#';
/** The partitions of the audit trail's entries (`keys.auditEntry`): what a function that only audits may write. */
export const auditEntryKeyPrefix = 'AUDIT#';

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
   * (NEEDS#, PENDING# and REGISTRATION# sort between them, WAITING# after them; `~` sorts after every id
   * character).
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
  pendingRegistration: (meetingId: string, personId: string): ItemKey => ({
    PK: `MEETING#${meetingId}`,
    SK: `PENDING#${personId}`,
  }),
  softBounces: (personId: string): ItemKey => ({ PK: `PERSON#${personId}`, SK: 'SOFTBOUNCES' }),
  importAsked: (personId: string): ItemKey => ({ PK: `PERSON#${personId}`, SK: 'IMPORTASKED' }),
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
  /** Where the person index lists an item of `kind` naming `personId`; `ref` tells items of one kind apart. */
  personListing: (personId: string, kind: PersonEntityKind, ref?: string): PersonListing => ({
    PersonPK: `PERSON#${personId}`,
    PersonSK: ref === undefined ? personEntityKinds[kind] : `${personEntityKinds[kind]}#${ref}`,
  }),
  /**
   * Every record of one person: a Query of the person index on `PersonPK`; with a kind, only the items whose
   * PersonSK begins with `skPrefix`.
   */
  personRecords: (personId: string, kind?: PersonEntityKind) => ({
    PersonPK: `PERSON#${personId}`,
    ...(kind ? { skPrefix: personEntityKinds[kind] } : {}),
  }),
  backfillProgress: (name: string): ItemKey => ({ PK: 'SYSTEM', SK: `BACKFILL#${name}` }),
  mailing: (mailingId: string): ItemKey => ({ PK: `MAILING#${mailingId}`, SK: 'MAILING' }),
  mailings: () => ({ GSI1PK: 'MAILINGS' }),
  /** `createdAt` is an ISO instant of fixed width (toISOString), so the sort key orders by time. */
  mailingListing: (createdAt: string, mailingId: string) => ({
    GSI1PK: 'MAILINGS',
    GSI1SK: `${createdAt}#${mailingId}`,
  }),
  mailingRecipient: (mailingId: string, personId: string): ItemKey => ({
    PK: `MAILING#${mailingId}`,
    SK: `RECIPIENT#${personId}`,
  }),
  /** A mailing's recipients: the items of `PK` whose SK begins with `skPrefix`, in person-id order. */
  mailingRecipients: (mailingId: string) => ({ PK: `MAILING#${mailingId}`, skPrefix: 'RECIPIENT#' }),
  sendingProgress: (mailingId: string): ItemKey => ({ PK: `MAILING#${mailingId}`, SK: 'PROGRESS' }),
  senderLease: (): ItemKey => ({ PK: 'SYSTEM', SK: 'SENDER' }),
  lastDigest: (): ItemKey => ({ PK: 'SYSTEM', SK: 'DIGEST#vooruitblik' }),
  subscriberImport: (importId: string): ItemKey => ({ PK: `IMPORT#${importId}`, SK: 'IMPORT' }),
  importMember: (importId: string, personId: string): ItemKey => ({
    PK: `IMPORT#${importId}`,
    SK: `MEMBER#${personId}`,
  }),
  importMembers: (importId: string) => ({ PK: `IMPORT#${importId}`, skPrefix: 'MEMBER#' }),
  report: (reportId: string): ItemKey => ({ PK: `REPORT#${reportId}`, SK: 'REPORT' }),
  reportsByStatus: (status: string) => ({ GSI1PK: `REPORTS#${status}` }),
  /** `publishedOn` is a date of fixed width (YYYY-MM-DD), so the sort key orders by date. */
  reportListing: (status: string, publishedOn: string, reportId: string) => ({
    GSI1PK: `REPORTS#${status}`,
    GSI1SK: `${publishedOn}#${reportId}`,
  }),
  reportSlug: (slug: string): ItemKey => ({ PK: `REPORTSLUG#${slug}`, SK: 'SLUG' }),
  meetingSlug: (slug: string): ItemKey => ({ PK: `MEETINGSLUG#${slug}`, SK: 'SLUG' }),
  auditEntry: (entryId: string): ItemKey => ({ PK: `${auditEntryKeyPrefix}${entryId}`, SK: 'AUDIT' }),
  suppressions: () => ({ GSI1PK: 'SUPPRESSIONS' }),
  /** `suppressedAt` is an ISO instant of fixed width, so the sort key orders by time. */
  suppressionListing: (suppressedAt: string, personId: string) => ({
    GSI1PK: 'SUPPRESSIONS',
    GSI1SK: `${suppressedAt}#${personId}`,
  }),
  auditTrail: (kind: string) => ({ GSI1PK: `AUDIT#${kind}` }),
  auditListing: (kind: string, entryId: string) => ({ GSI1PK: `AUDIT#${kind}`, GSI1SK: entryId }),
  /** One person's request for one report on request: in the report's partition, so a Query lists them. */
  reportRequest: (reportId: string, personId: string): ItemKey => ({
    PK: `REPORT#${reportId}`,
    SK: `REQUEST#${personId}`,
  }),
  /** Epoch seconds, zero-padded, so the sort key orders by time. */
  transactionalSends: (second: number): ItemKey => ({
    PK: 'SENDS',
    SK: `SECOND#${String(second).padStart(12, '0')}`,
  }),
  /** One subject's public POSTs in one window (core/request-limits.ts); its own partition per subject. */
  requestCount: (kind: string, subject: string, windowStart: number): ItemKey => ({
    PK: `${requestCountKeyPrefix}${kind}#${subject}`,
    SK: `WINDOW#${String(windowStart).padStart(12, '0')}`,
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

/**
 * The attribute of the person record (PERSON#<personId> / PERSON) that turns off organiser mailings to meeting
 * audiences for that person: an ISO instant, absent when they get them. The mailing sender reads it; mail about
 * a person's own registrations does not.
 */
export const meetingMailingsOptOutAttribute = 'meetingMailingsOptOutAt';

/** Outbox items carry this prefix; the stream relay's filter selects them by it. */
export const outboxKeyPrefix = 'OUTBOX#';

/** Which person an item names, as the person index lists it. */
export interface PersonEntry {
  readonly kind: PersonEntityKind;
  readonly personId: string;
  /** What tells items of one kind apart (a meeting, a topic, a mail), for kinds that have several. */
  readonly ref?: string;
}

const withoutPrefix = (text: string, prefix: string): string | undefined =>
  text.startsWith(prefix) && text.length > prefix.length ? text.slice(prefix.length) : undefined;

/** The items under a person's own key with a fixed sort key. */
const ownKeyKinds = new Map<string, PersonEntityKind>([
  [keys.person('').SK, 'person'],
  [keys.subscription('').SK, 'subscription'],
  [keys.mailRate('').SK, 'mailRate'],
  [keys.suppression('').SK, 'suppression'],
  [keys.softBounces('').SK, 'softBounces'],
  [keys.importAsked('').SK, 'importAsked'],
]);

/**
 * Which person an item names, from its keys (and, where the key holds no person, its `personId` or
 * `recipient.personId`); undefined for an item that names none. The writers and the backfill both list items
 * by it, so an item is listed the same whichever wrote its listing.
 */
export const personEntryOf = (item: PersonNamingFields): PersonEntry | undefined => {
  const { PK: pk, SK: sk } = item;
  if (typeof pk !== 'string' || typeof sk !== 'string') return undefined;
  const ownKey = withoutPrefix(pk, keys.person('').PK);
  if (ownKey !== undefined) {
    const kind = ownKeyKinds.get(sk);
    if (kind) return { kind, personId: ownKey };
    const feedbackId = withoutPrefix(sk, keys.sesFeedback('', '').SK);
    return feedbackId === undefined ? undefined : { kind: 'sesFeedback', personId: ownKey, ref: feedbackId };
  }
  const topic = withoutPrefix(pk, keys.topicMember('', '').PK);
  if (topic !== undefined) {
    const member = withoutPrefix(sk, keys.topicMember('', '').SK);
    return member === undefined ? undefined : { kind: 'topicMember', personId: member, ref: topic };
  }
  const meetingId = withoutPrefix(pk, keys.meeting('').PK);
  if (meetingId !== undefined) {
    const registered = withoutPrefix(sk, keys.registration('', '').SK);
    if (registered !== undefined) return { kind: 'registration', personId: registered, ref: meetingId };
    const needing = withoutPrefix(sk, keys.registrationNeeds('', '').SK);
    if (needing !== undefined) return { kind: 'registrationNeeds', personId: needing, ref: meetingId };
    const requesting = withoutPrefix(sk, keys.pendingRegistration('', '').SK);
    if (requesting !== undefined)
      return { kind: 'pendingRegistration', personId: requesting, ref: meetingId };
    // A waiting place is keyed by its place in line; its person is an attribute.
    const waiting = withoutPrefix(sk, keys.waitingPlace('', '').SK) !== undefined;
    return waiting && typeof item.personId === 'string'
      ? { kind: 'waitingPlace', personId: item.personId, ref: meetingId }
      : undefined;
  }
  const mailingId = withoutPrefix(pk, keys.mailing('').PK);
  if (mailingId !== undefined) {
    const recipient = withoutPrefix(sk, keys.mailingRecipient('', '').SK);
    return recipient === undefined
      ? undefined
      : { kind: 'mailingRecipient', personId: recipient, ref: mailingId };
  }
  const reportId = withoutPrefix(pk, keys.report('').PK);
  if (reportId !== undefined) {
    const requester = withoutPrefix(sk, keys.reportRequest('', '').SK);
    return requester === undefined
      ? undefined
      : { kind: 'reportRequest', personId: requester, ref: reportId };
  }
  const importId = withoutPrefix(pk, keys.subscriberImport('').PK);
  if (importId !== undefined) {
    const member = withoutPrefix(sk, keys.importMember('', '').SK);
    return member === undefined ? undefined : { kind: 'importMember', personId: member, ref: importId };
  }
  const entryId = withoutPrefix(pk, auditEntryKeyPrefix);
  if (entryId !== undefined && sk === keys.auditEntry('').SK) {
    // An organiser's action about one person (a registration, a report request, a suppression).
    return typeof item.personId === 'string'
      ? { kind: 'auditEntry', personId: item.personId, ref: entryId }
      : undefined;
  }
  const mailId = withoutPrefix(pk, outboxKeyPrefix);
  if (mailId !== undefined && sk === keys.outboxMail('').SK) {
    const personId = (item.recipient as { personId?: unknown } | undefined)?.personId;
    return typeof personId === 'string' ? { kind: 'outboxMail', personId, ref: mailId } : undefined;
  }
  if (mailId !== undefined && sk === keys.outboxJob('').SK) {
    // A job about one person (a registration request's); a meeting's job names nobody.
    const personId = (item.job as { personId?: unknown } | undefined)?.personId;
    return typeof personId === 'string' ? { kind: 'outboxJob', personId, ref: mailId } : undefined;
  }
  return undefined;
};

/** The person-index attributes of an item that names a person. Throws for one that names none: a writer's bug. */
export const personListingOf = (item: PersonNamingFields): PersonListing => {
  const entry = personEntryOf(item);
  if (!entry) throw new Error(`${String(item.PK)} / ${String(item.SK)} names no person to list`);
  return keys.personListing(entry.personId, entry.kind, entry.ref);
};

/** The item with its person-index attributes, for a writer's Put. */
export const listedForPerson = <T extends PersonNamingFields>(item: T): T & PersonListing => ({
  ...item,
  ...personListingOf(item),
});
