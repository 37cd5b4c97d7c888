import { MailRejected, SendingUnavailable, SendOutcomeUnknown } from '../../functions/core/mailings/delivery';
import type { MailingStore, StoredMailing } from '../../functions/core/mailings/drafts';
import {
  type Audience,
  type AudiencePart,
  audienceParts,
  type Mailing,
  type MailingCounts,
  registrationStatusesOf,
  StaleMailing,
} from '../../functions/core/mailings/mailing';
import type { TransactionalSends } from '../../functions/core/mailings/pacing';
import type {
  AccountStanding,
  AudienceMember,
  AudienceSource,
  FailureKind,
  MailingRecipients,
  RecipientChecks,
  RecipientClaim,
  RecipientClaimResult,
  RecipientStanding,
  RecipientState,
  SenderLease,
  SendingAccount,
  SendingProgress,
  SendingProgressStore,
  SkipReason,
  SnapshotCursor,
  UnsettledRecipient,
} from '../../functions/core/mailings/recipients';
import type { SenderPorts } from '../../functions/core/mailings/sender';
import type { AudienceCount, AudienceCounter } from '../../functions/core/mailings/sending-control';
import type { Clock, Mailer, OutgoingMail, SendOptions, SentMail } from '../../functions/core/ports';
import type { Topic } from '../../functions/core/subscriptions/model';

/**
 * The mailing sender's ports in memory (functions/core/mailings/sender.ts), with the promises of the DynamoDB
 * adapters (functions/adapters/dynamo/mailing-recipients.ts, mailing-audience.ts, mailing-store.ts): claims
 * are conditional, an outcome is written only for the claim that holds the recipient, pages are pages. Time is
 * virtual: `VirtualTime` is the clock and the sleep, and moves on only when every actor waits for it.
 */

// --- Virtual time ----------------------------------------------------------------------------------------

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A clock whose time moves only by sleeping. A sleep books a timer; once nothing else can run (the microtask
 * queue is empty, checked with setImmediate) the earliest timers fire and the time jumps to them. So any
 * number of concurrent workers, each sleeping, run deterministically and in no real time.
 */
export class VirtualTime implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  #kicked = false;

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  get ms(): number {
    return this.#now;
  }

  /** Waits `ms` of virtual time. */
  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.#timers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve });
      this.#kick();
    });

  /** Moves the time on at once (what passes between two sender runs); timers due by then fire in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((timer) => timer.at <= until).sort(byTime)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((timer) => timer !== due);
      this.#now = Math.max(this.#now, due.at);
      due.resolve();
    }
    this.#now = until;
  }

  #kick(): void {
    if (this.#kicked) return;
    this.#kicked = true;
    setImmediate(() => {
      this.#kicked = false;
      this.#fire();
    });
  }

  #fire(): void {
    const first = [...this.#timers].sort(byTime)[0];
    if (!first) return;
    const due = this.#timers.filter((timer) => timer.at <= first.at).sort(byTime);
    this.#timers = this.#timers.filter((timer) => timer.at > first.at);
    this.#now = Math.max(this.#now, first.at);
    for (const timer of due) timer.resolve();
    if (this.#timers.length) this.#kick();
  }
}

const byTime = (a: Timer, b: Timer) => a.at - b.at || a.seq - b.seq;

// --- The people an audience is made of ---------------------------------------------------------------------

export interface WorldPerson {
  email: string;
  name?: string;
  /** Opted out of organiser mailings to meeting audiences. */
  optedOut?: boolean;
}

export interface WorldSubscription {
  status: 'pending' | 'active' | 'unsubscribed';
  topics: Topic[];
}

export interface WorldRegistration {
  status: 'confirmed' | 'waiting' | 'cancelled';
  anonymised?: boolean;
}

/**
 * What the audience is read from and checked against: people, subscriptions (an active one is a member of
 * each of its topics, as the topic-member items are), registrations per meeting, and the suppression list.
 */
export class AudienceWorld {
  readonly people = new Map<string, WorldPerson>();
  readonly subscriptions = new Map<string, WorldSubscription>();
  /** meetingId → personId → registration. */
  readonly registrations = new Map<string, Map<string, WorldRegistration>>();
  readonly suppressed = new Set<string>();

  person(personId: string, person: Partial<WorldPerson> = {}): void {
    this.people.set(personId, { email: `${personId}@example.org`, ...this.people.get(personId), ...person });
  }

  subscribe(personId: string, topics: Topic[]): void {
    this.person(personId);
    this.subscriptions.set(personId, { status: 'active', topics });
  }

  unsubscribe(personId: string): void {
    const subscription = this.subscriptions.get(personId);
    if (subscription) this.subscriptions.set(personId, { ...subscription, status: 'unsubscribed' });
  }

  register(meetingId: string, personId: string, status: WorldRegistration['status'] = 'confirmed'): void {
    this.person(personId);
    const registrations = this.registrations.get(meetingId) ?? new Map<string, WorldRegistration>();
    registrations.set(personId, { status });
    this.registrations.set(meetingId, registrations);
  }

  /** The topic's member ids in key order. */
  members(topic: Topic): string[] {
    return [...this.subscriptions.entries()]
      .filter(([, subscription]) => subscription.status === 'active' && subscription.topics.includes(topic))
      .map(([personId]) => personId)
      .sort(byKey);
  }

  /** The meeting's registrations in key order (all of them: a Query filters after it evaluated). */
  meetingRegistrations(meetingId: string): [string, WorldRegistration][] {
    return [...(this.registrations.get(meetingId) ?? new Map<string, WorldRegistration>()).entries()].sort(
      ([a], [b]) => byKey(a, b),
    );
  }
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** DynamoAudienceSource over the world: each topic, then the meeting; a page stops at `limit` evaluated items. */
export class InMemoryAudienceSource implements AudienceSource {
  /** Every page asked for, with the number of members it returned. */
  readonly pages: number[] = [];

  constructor(private readonly world: AudienceWorld) {}

  async page(
    audience: Audience,
    cursor: SnapshotCursor | undefined,
    limit: number,
  ): Promise<{ readonly members: readonly AudienceMember[]; readonly next?: SnapshotCursor }> {
    const parts = audienceParts(audience);
    let part = cursor?.part ?? 0;
    let after = cursor?.after;
    const members: AudienceMember[] = [];
    const done = () => {
      this.pages.push(members.length);
    };
    while (part < parts.length) {
      const { found, last } = this.#readPart(parts[part] as AudiencePart, after, limit - members.length);
      members.push(...found);
      if (last !== undefined) {
        done();
        return { members, next: { part, after: last } };
      }
      part += 1;
      after = undefined;
      if (members.length >= limit) break;
    }
    done();
    return { members, ...(part < parts.length ? { next: { part } } : {}) };
  }

  /** One Query: `limit` items evaluated after `after`; the last key when the limit was reached. */
  #readPart(
    part: AudiencePart,
    after: string | undefined,
    limit: number,
  ): { found: AudienceMember[]; last?: string } {
    const max = Math.max(1, limit);
    if (part.kind === 'topic') {
      const evaluated = this.world.members(part.topic).filter((id) => after === undefined || id > after);
      const page = evaluated.slice(0, max);
      return {
        found: page.map((personId) => ({ personId, from: 'topics' })),
        ...(evaluated.length >= max ? { last: page.at(-1) as string } : {}),
      };
    }
    if (part.kind === 'import') {
      throw new Error(
        'The in-memory world has no imports: test/integration/subscriber-import.test.ts sends one',
      );
    }
    const evaluated = this.world
      .meetingRegistrations(part.meetingId)
      .filter(([id]) => after === undefined || id > after);
    const page = evaluated.slice(0, max);
    const statuses = registrationStatusesOf(part.selection);
    return {
      found: page
        .filter(([, registration]) => statuses.includes(registration.status) && !registration.anonymised)
        .map(([personId]) => ({ personId, from: 'meeting' })),
      ...(evaluated.length >= max ? { last: (page.at(-1) as [string, WorldRegistration])[0] } : {}),
    };
  }
}

/** DynamoRecipientChecks over the world: read just before each send. */
export class InMemoryRecipientChecks implements RecipientChecks {
  constructor(private readonly world: AudienceWorld) {}

  async standing(audience: Audience, recipient: UnsettledRecipient): Promise<RecipientStanding> {
    const { personId } = recipient;
    const { world } = this;
    if (world.suppressed.has(personId)) return { send: false, reason: 'suppressed' };
    const person = world.people.get(personId);
    const subscription = world.subscriptions.get(personId);
    if (recipient.inTopics && 'topics' in audience && subscription?.status === 'active') {
      const topics = audience.topics.filter((topic) => subscription.topics.includes(topic));
      if (topics.length > 0 && person) {
        return {
          send: true,
          address: person.email,
          ...(person.name ? { name: person.name } : {}),
          via: { kind: 'topics', topics },
        };
      }
    }
    if (recipient.inMeeting && 'meeting' in audience) {
      const registration = world.registrations.get(audience.meeting)?.get(personId);
      const current =
        registration !== undefined &&
        !registration.anonymised &&
        person !== undefined &&
        registrationStatusesOf(audience.registrations).includes(registration.status);
      if (current) {
        if (person.optedOut) return { send: false, reason: 'opted-out' };
        return {
          send: true,
          address: person.email,
          ...(person.name ? { name: person.name } : {}),
          via: { kind: 'meeting' },
        };
      }
    }
    return { send: false, reason: 'unsubscribed' };
  }
}

/** DynamoAudienceCounter over the world: distinct people, less the suppressed and the opted out. */
export class InMemoryAudienceCounter implements AudienceCounter {
  constructor(private readonly world: AudienceWorld) {}

  async count(audience: Audience): Promise<AudienceCount> {
    const source = new InMemoryAudienceSource(this.world);
    const inTopics = new Map<string, boolean>();
    let cursor: SnapshotCursor | undefined;
    do {
      const page = await source.page(audience, cursor, 500);
      for (const member of page.members) {
        inTopics.set(member.personId, (inTopics.get(member.personId) ?? false) || member.from === 'topics');
      }
      cursor = page.next;
    } while (cursor);
    let suppressed = 0;
    let optedOut = 0;
    for (const [personId, topics] of inTopics) {
      if (this.world.suppressed.has(personId)) suppressed += 1;
      else if (this.world.people.get(personId)?.optedOut && !topics) optedOut += 1;
    }
    return { audience: inTopics.size - suppressed - optedOut, distinct: inTopics.size, suppressed, optedOut };
  }
}

// --- The send ledger -------------------------------------------------------------------------------------

export interface RecipientRecord {
  personId: string;
  state: RecipientState;
  dueAt: number;
  inTopics: boolean;
  inMeeting: boolean;
  attempts: number;
  failures: number;
  claimId?: string;
  claimedAt?: number;
  messageId?: string;
  skipReason?: SkipReason;
  failureKind?: FailureKind;
  failure?: string;
  settledBy?: 'sender' | 'send-event';
}

/** Every claim taken, in order: who, when, and whether it may be a resend. */
export interface ClaimRecord {
  readonly mailingId: string;
  readonly personId: string;
  readonly at: number;
  readonly resend: boolean;
}

/** Items a Query of the unsettled recipients evaluates per page, as the adapter's `evaluatedPerPage`. */
const evaluatedPerPage = 200;

/** DynamoMailingRecipients over maps: the same conditions on every write. */
export class InMemoryMailingRecipients implements MailingRecipients {
  /** mailingId → personId → record. */
  readonly mailings = new Map<string, Map<string, RecipientRecord>>();
  readonly claims: ClaimRecord[] = [];
  /** The size of every page `unsettled` returned. */
  readonly pages: number[] = [];
  #claimIds = 0;

  constructor(private readonly options: { readonly evaluatedPerPage?: number } = {}) {}

  of(mailingId: string): Map<string, RecipientRecord> {
    const found = this.mailings.get(mailingId) ?? new Map<string, RecipientRecord>();
    this.mailings.set(mailingId, found);
    return found;
  }

  get(mailingId: string, personId: string): RecipientRecord | undefined {
    return this.mailings.get(mailingId)?.get(personId);
  }

  /** The records in key order. */
  list(mailingId: string): RecipientRecord[] {
    return [...this.of(mailingId).values()].sort((a, b) => byKey(a.personId, b.personId));
  }

  async add(mailingId: string, members: readonly AudienceMember[], now: Date): Promise<number> {
    const records = this.of(mailingId);
    let added = 0;
    for (const member of members) {
      const existing = records.get(member.personId);
      const part = member.from === 'topics' ? 'inTopics' : 'inMeeting';
      if (existing) {
        existing[part] = true;
        continue;
      }
      records.set(member.personId, {
        personId: member.personId,
        state: 'pending',
        dueAt: now.getTime(),
        inTopics: part === 'inTopics',
        inMeeting: part === 'inMeeting',
        attempts: 0,
        failures: 0,
      });
      added += 1;
    }
    return added;
  }

  async unsettled(
    mailingId: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ readonly recipients: readonly UnsettledRecipient[]; readonly next?: string }> {
    const max = Math.max(limit, this.options.evaluatedPerPage ?? evaluatedPerPage);
    const evaluated = this.list(mailingId).filter((record) => after === undefined || record.personId > after);
    const page = evaluated.slice(0, max);
    const recipients = page
      .filter((record) => record.state === 'pending' || record.state === 'sending')
      .map(
        (record): UnsettledRecipient => ({
          personId: record.personId,
          state: record.state === 'sending' ? 'sending' : 'pending',
          dueAt: new Date(record.dueAt).toISOString(),
          inTopics: record.inTopics,
          inMeeting: record.inMeeting,
          inImport: false,
        }),
      );
    this.pages.push(recipients.length);
    const next = evaluated.length >= max ? page.at(-1)?.personId : undefined;
    return { recipients, ...(next ? { next } : {}) };
  }

  async claim(
    mailingId: string,
    personId: string,
    now: Date,
    holdUntil: Date,
  ): Promise<RecipientClaimResult> {
    const record = this.get(mailingId, personId);
    if (
      !record ||
      (record.state !== 'pending' && record.state !== 'sending') ||
      record.dueAt > now.getTime()
    ) {
      return { outcome: 'not-claimable' };
    }
    const resend = record.state === 'sending';
    this.#claimIds += 1;
    record.claimId = `claim-${this.#claimIds}`;
    record.state = 'sending';
    record.claimedAt = now.getTime();
    record.dueAt = holdUntil.getTime();
    record.attempts += 1;
    this.claims.push({ mailingId, personId, at: now.getTime(), resend });
    return {
      outcome: 'claimed',
      claim: { mailingId, personId, claimId: record.claimId, failures: record.failures, resend },
    };
  }

  /** The record, when `claim` still holds it. */
  #held(claim: RecipientClaim): RecipientRecord | undefined {
    const record = this.get(claim.mailingId, claim.personId);
    return record?.state === 'sending' && record.claimId === claim.claimId ? record : undefined;
  }

  async sent(claim: RecipientClaim, _now: Date, messageId: string): Promise<'done' | 'superseded'> {
    const record = this.#held(claim);
    if (!record) return 'superseded';
    record.state = 'sent';
    record.messageId = messageId;
    record.settledBy = 'sender';
    return 'done';
  }

  async skipped(claim: RecipientClaim, _now: Date, reason: SkipReason): Promise<void> {
    const record = this.#held(claim);
    if (!record) return;
    record.state = 'skipped';
    record.skipReason = reason;
  }

  async failed(claim: RecipientClaim, _now: Date, kind: FailureKind, reason: string): Promise<void> {
    const record = this.#held(claim);
    if (!record) return;
    record.state = 'failed';
    record.failureKind = kind;
    record.failure = reason.slice(0, 300);
    record.failures = claim.failures + (kind === 'transient' ? 1 : 0);
  }

  async retryAt(claim: RecipientClaim, _now: Date, at: Date, transientFailure: boolean): Promise<void> {
    const record = this.#held(claim);
    if (!record) return;
    record.state = 'pending';
    record.dueAt = at.getTime();
    record.failures = claim.failures + (transientFailure ? 1 : 0);
  }

  async recount(mailingId: string): Promise<MailingCounts> {
    const counts = { audience: 0, sent: 0, skipped: 0, failed: 0, inDoubt: 0 };
    for (const record of this.of(mailingId).values()) {
      counts.audience += 1;
      if (record.state === 'sent') counts.sent += 1;
      else if (record.state === 'skipped') counts.skipped += 1;
      else if (record.state === 'failed') counts.failed += 1;
      else if (record.state === 'sending') counts.inDoubt += 1;
    }
    return counts;
  }

  async requeueFailed(mailingId: string, now: Date): Promise<number> {
    let requeued = 0;
    for (const record of this.of(mailingId).values()) {
      if (record.state !== 'failed' || record.failureKind !== 'transient') continue;
      record.state = 'pending';
      record.dueAt = now.getTime();
      record.failures = 0;
      delete record.failureKind;
      delete record.failure;
      requeued += 1;
    }
    return requeued;
  }

  async settleFromSendEvent(mailingId: string, personId: string, messageId: string): Promise<boolean> {
    const record = this.get(mailingId, personId);
    if (!record || (record.state !== 'pending' && record.state !== 'sending')) return false;
    record.state = 'sent';
    record.messageId = messageId;
    record.settledBy = 'send-event';
    return true;
  }
}

interface ProgressRecord {
  snapshotDone: boolean;
  snapshotCursor?: SnapshotCursor;
  counts: Record<keyof MailingCounts, number>;
  rate?: number;
  startedAt?: string;
  finishedAt?: string;
  deliveries: number;
  complaints: number;
  complaintsAcknowledged: number;
}

const countNames = ['audience', 'sent', 'skipped', 'failed', 'inDoubt'] as const;

/** DynamoSendingProgress over a map: counts added, or set from a recount. */
export class InMemorySendingProgress implements SendingProgressStore {
  readonly records = new Map<string, ProgressRecord>();
  readonly #feedbackMarks = new Set<string>();

  /** With the ledger, feedback about someone not in it counts nothing, as in the table. */
  constructor(private readonly ledger?: Pick<InMemoryMailingRecipients, 'get'>) {}

  #record(mailingId: string): ProgressRecord {
    const record = this.records.get(mailingId) ?? {
      snapshotDone: false,
      counts: { audience: 0, sent: 0, skipped: 0, failed: 0, inDoubt: 0 },
      deliveries: 0,
      complaints: 0,
      complaintsAcknowledged: 0,
    };
    this.records.set(mailingId, record);
    return record;
  }

  async get(mailingId: string): Promise<SendingProgress | undefined> {
    const record = this.records.get(mailingId);
    if (!record) return undefined;
    return {
      snapshot: {
        done: record.snapshotDone,
        ...(record.snapshotCursor ? { cursor: record.snapshotCursor } : {}),
      },
      counts: Object.fromEntries(
        countNames.map((name) => [name, Math.max(0, record.counts[name])]),
      ) as unknown as MailingCounts,
      ...(record.rate !== undefined ? { rate: record.rate } : {}),
      ...(record.startedAt ? { startedAt: record.startedAt } : {}),
      ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
      deliveries: record.deliveries,
      complaints: record.complaints,
      complaintsAcknowledged: record.complaintsAcknowledged,
    };
  }

  async acknowledgeComplaints(mailingId: string): Promise<void> {
    const record = this.#record(mailingId);
    record.complaintsAcknowledged = record.complaints;
  }

  async snapshotPage(
    mailingId: string,
    added: number,
    next: SnapshotCursor | undefined,
    now: Date,
  ): Promise<void> {
    const record = this.#record(mailingId);
    record.snapshotDone = next === undefined;
    record.startedAt ??= now.toISOString();
    if (next) record.snapshotCursor = next;
    else delete record.snapshotCursor;
    record.counts.audience += added;
  }

  async report(mailingId: string, tallies: Partial<MailingCounts>, rate: number): Promise<void> {
    const record = this.#record(mailingId);
    record.rate = rate;
    for (const name of countNames) record.counts[name] += tallies[name] ?? 0;
  }

  async setCounts(mailingId: string, counts: MailingCounts, now: Date, finished: boolean): Promise<void> {
    const record = this.#record(mailingId);
    record.counts = { ...counts };
    if (finished) record.finishedAt = now.toISOString();
    else delete record.finishedAt;
  }

  /** Counted once per mailing, recipient and kind, as the recipient's mark makes it in the table. */
  async recordFeedback(
    mailingId: string,
    personId: string,
    feedback: 'delivery' | 'complaint',
  ): Promise<boolean> {
    const mark = `${mailingId}/${personId}/${feedback}`;
    if (this.#feedbackMarks.has(mark)) return false;
    if (this.ledger && !this.ledger.get(mailingId, personId)) return false;
    this.#feedbackMarks.add(mark);
    const record = this.#record(mailingId);
    if (feedback === 'delivery') record.deliveries += 1;
    else record.complaints += 1;
    return true;
  }
}

/** DynamoTransactionalSends over a map of seconds to counts. */
export class InMemoryTransactionalSends implements TransactionalSends {
  readonly seconds = new Map<number, number>();

  async count(at: Date): Promise<void> {
    const second = Math.floor(at.getTime() / 1000);
    this.seconds.set(second, (this.seconds.get(second) ?? 0) + 1);
  }

  async perSecond(fromSecond: number, toSecond: number): Promise<readonly number[]> {
    return [...this.seconds]
      .filter(([second]) => second >= fromSecond && second < toSecond)
      .map(([, count]) => count);
  }
}

/** DynamoSenderLease over one record: taken when free, expired or already the owner's. */
export class InMemorySenderLease implements SenderLease {
  holder: { owner: string; until: number } | undefined;

  async acquire(owner: string, now: Date, until: Date): Promise<boolean> {
    const held = this.holder;
    if (held && held.until > now.getTime() && held.owner !== owner) return false;
    this.holder = { owner, until: until.getTime() };
    return true;
  }

  async renew(owner: string, until: Date): Promise<boolean> {
    if (this.holder?.owner !== owner) return false;
    this.holder = { owner, until: until.getTime() };
    return true;
  }

  async release(owner: string): Promise<void> {
    if (this.holder?.owner === owner) this.holder = undefined;
  }
}

/** SES's GetAccount, settable. */
export class FakeSendingAccount implements SendingAccount {
  current: AccountStanding = {
    maxSendRate: 14,
    max24HourSend: 50_000,
    sentLast24Hours: 0,
    productionAccessEnabled: true,
    sendingEnabled: true,
  };

  set(changes: Partial<AccountStanding>): void {
    this.current = { ...this.current, ...changes };
  }

  async standing(): Promise<AccountStanding> {
    return this.current;
  }
}

/** MailingStore, and the sender's `active()`, over a map: writes conditional on version and status. */
export class InMemoryMailingStore implements MailingStore {
  readonly mailings = new Map<string, StoredMailing>();
  /** Every status written, in order (by whoever wrote it). */
  readonly written: { readonly mailingId: string; readonly status: Mailing['status'] }[] = [];
  /** Called with each write before it is checked; lets a test slip in a concurrent change or log the order. */
  onWrite: ((next: StoredMailing) => void) | undefined;

  async get(mailingId: string): Promise<StoredMailing | undefined> {
    return this.mailings.get(mailingId);
  }

  async create(stored: StoredMailing): Promise<void> {
    this.mailings.set(stored.mailing.mailingId, stored);
  }

  async replace(previous: Mailing, next: StoredMailing): Promise<void> {
    this.onWrite?.(next);
    const current = this.mailings.get(previous.mailingId);
    if (
      !current ||
      current.mailing.version !== previous.version ||
      current.mailing.status !== previous.status
    ) {
      throw new StaleMailing();
    }
    this.mailings.set(previous.mailingId, next);
    this.written.push({ mailingId: previous.mailingId, status: next.mailing.status });
  }

  async delete(previous: Mailing): Promise<void> {
    const current = this.mailings.get(previous.mailingId);
    if (
      !current ||
      current.mailing.version !== previous.version ||
      current.mailing.status !== previous.status
    ) {
      throw new StaleMailing();
    }
    this.mailings.delete(previous.mailingId);
  }

  async list({ limit }: { readonly cursor?: string; readonly limit: number }) {
    const items = [...this.mailings.values()]
      .map((stored) => stored.mailing)
      .sort((a, b) => byKey(b.createdAt + b.mailingId, a.createdAt + a.mailingId));
    return { items: items.slice(0, limit), nextCursor: null };
  }

  async active(): Promise<readonly string[]> {
    return [...this.mailings.values()]
      .filter(({ mailing }) => mailing.status === 'sending' || mailing.status === 'waiting-for-quota')
      .map(({ mailing }) => mailing.mailingId)
      .sort(byKey);
  }

  status(mailingId: string): Mailing['status'] | undefined {
    return this.mailings.get(mailingId)?.mailing.status;
  }
}

// --- SES ---------------------------------------------------------------------------------------------------

/** What the fake SES does with one send. */
export type SendBehaviour =
  | 'accept'
  /** 429 "Maximum sending rate exceeded": SendingUnavailable, account 'throttled'. */
  | 'throttle'
  /** SendingPausedException: SendingUnavailable, account 'paused'. */
  | 'paused'
  /** A network error or a 5xx: an unclassified error, an infrastructure failure. */
  | 'transient'
  /** MessageRejected: MailRejected. */
  | 'reject'
  /** The call timed out before SES answered; SES did not take it. SendOutcomeUnknown. */
  | 'timeout'
  /** SES accepted the mail, and the sending process died before it heard so. */
  | 'crash';

export interface AcceptedSend {
  readonly to: string;
  readonly subject: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly messageId: string;
  /** When the call began (virtual ms): what pacing is about. */
  readonly startedAt: number;
  readonly acceptedAt: number;
}

export interface Attempt {
  readonly tags: Readonly<Record<string, string>>;
  readonly behaviour: SendBehaviour;
  /** When the call began (virtual ms). */
  readonly at: number;
  /** When SES answered (virtual ms). */
  answeredAt?: number;
}

/**
 * SES for the sender: every call takes 30–120 ms of virtual time (a fixed pseudo-random sequence); what it
 * does is `behave`'s answer (accept by default). Accepted mails count towards the account's 24-hour quota;
 * over the quota it answers as SES does (SendingUnavailable, 'quota'). With `sendEventAfterMs`, SES's Send
 * event for every accepted mail settles its recipient that much later (the SES events function).
 */
export class FakeSes {
  readonly accepted: AcceptedSend[] = [];
  readonly attempts: Attempt[] = [];
  behave: (tags: Readonly<Record<string, string>>, attempt: number) => SendBehaviour = () => 'accept';
  sendEventAfterMs: number | undefined;
  #latency = 7;
  #messages = 0;

  constructor(
    private readonly time: VirtualTime,
    private readonly account: FakeSendingAccount,
    private readonly recipients: InMemoryMailingRecipients,
  ) {}

  /** Accepted sends per recipient (`mailing/person`). */
  sendsPer(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const send of this.accepted) {
      const key = `${send.tags.mailing}/${send.tags.recipient}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  /** Sends beyond the first to the same recipient of the same mailing. */
  duplicates(): number {
    return [...this.sendsPer().values()].reduce((sum, count) => sum + count - 1, 0);
  }

  #nextLatency(): number {
    this.#latency = (this.#latency * 1_103_515_245 + 12_345) % 2 ** 31;
    return 30 + (this.#latency % 91);
  }

  /** One process's Mailer; `onCrash` is told when this mailer's process dies (its call never returns). */
  mailer(onCrash: () => void = () => undefined): Mailer {
    return {
      send: async (mail: OutgoingMail, options: SendOptions = {}): Promise<SentMail> => {
        const tags = options.tags ?? {};
        const startedAt = this.time.ms;
        const behaviour = this.behave(
          tags,
          this.attempts.filter((a) => sameRecipient(a.tags, tags)).length + 1,
        );
        const attempt: Attempt = { tags, behaviour, at: startedAt };
        this.attempts.push(attempt);
        await this.time.sleep(this.#nextLatency());
        attempt.answeredAt = this.time.ms;
        const { current } = this.account;
        if (behaviour === 'throttle')
          throw new SendingUnavailable('Maximum sending rate exceeded.', 'throttled');
        if (behaviour === 'paused' || !current.sendingEnabled) {
          throw new SendingUnavailable('Sending is paused for this account.', 'paused');
        }
        if (current.max24HourSend >= 0 && current.sentLast24Hours >= current.max24HourSend) {
          throw new SendingUnavailable('Daily message quota exceeded.', 'quota');
        }
        if (behaviour === 'transient') throw new Error('ServiceUnavailable: try again');
        if (behaviour === 'reject') throw new MailRejected('Email address is not verified.');
        if (behaviour === 'timeout') throw new SendOutcomeUnknown('The send timed out');
        this.#messages += 1;
        const messageId = `ses-${this.#messages}`;
        this.accepted.push({
          to: mail.to.address,
          subject: mail.subject,
          tags,
          messageId,
          startedAt,
          acceptedAt: this.time.ms,
        });
        this.account.set({ sentLast24Hours: current.sentLast24Hours + 1 });
        if (this.sendEventAfterMs !== undefined) void this.#sendEvent(tags, messageId, this.sendEventAfterMs);
        if (behaviour === 'crash') {
          onCrash();
          return never();
        }
        return { messageId };
      },
    };
  }

  async #sendEvent(
    tags: Readonly<Record<string, string>>,
    messageId: string,
    afterMs: number,
  ): Promise<void> {
    await this.time.sleep(afterMs);
    const { mailing, recipient } = tags;
    if (mailing && recipient) {
      await this.recipients.settleFromSendEvent(mailing, recipient, messageId);
    }
  }
}

const sameRecipient = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  a.mailing === b.mailing && a.recipient === b.recipient;

// --- One world, and the ports of each sender process ---------------------------------------------------------

/** A promise that never settles: what a call into a dead process waits for. */
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/**
 * Every store and SES at once, shared by the sender processes a test runs; `senderPorts` gives one process
 * its ports. A process whose mailer crashed is dead: from then on each call of its ports and each of its
 * sleeps never returns, so it writes nothing more and its run never ends (its lease stays until it expires;
 * its claims stay `sending`). `died` resolves when it dies.
 */
export class SendingWorld {
  readonly time: VirtualTime;
  readonly audience = new AudienceWorld();
  readonly store = new InMemoryMailingStore();
  readonly recipients: InMemoryMailingRecipients;
  readonly progress: InMemorySendingProgress;
  readonly lease = new InMemorySenderLease();
  readonly account = new FakeSendingAccount();
  readonly transactional = new InMemoryTransactionalSends();
  readonly ses: FakeSes;
  /** The audience as every sender reads it (its `pages` show how much was read at once). */
  readonly audienceSource: InMemoryAudienceSource;

  constructor(start: Date, options: { readonly evaluatedPerPage?: number } = {}) {
    this.time = new VirtualTime(start);
    this.recipients = new InMemoryMailingRecipients(options);
    this.progress = new InMemorySendingProgress(this.recipients);
    this.ses = new FakeSes(this.time, this.account, this.recipients);
    this.audienceSource = new InMemoryAudienceSource(this.audience);
  }

  senderPorts(): SenderPorts & { readonly died: Promise<void> } {
    let dead = false;
    let die: () => void = () => undefined;
    const died = new Promise<void>((resolve) => {
      die = () => {
        dead = true;
        resolve();
      };
    });
    const alive = <T extends object>(port: T): T =>
      new Proxy(port, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) =>
            dead ? never() : (value as (...a: unknown[]) => unknown).apply(target, args);
        },
      });
    return {
      mailings: alive(this.store),
      recipients: alive(this.recipients),
      audience: alive(this.audienceSource),
      checks: alive(new InMemoryRecipientChecks(this.audience)),
      progress: alive(this.progress),
      lease: alive(this.lease),
      account: alive(this.account),
      transactional: alive(this.transactional),
      mailer: alive(this.ses.mailer(die)),
      compose: (stored, recipient) => ({
        to: { address: recipient.address, ...(recipient.name ? { name: recipient.name } : {}) },
        subject: stored.mailing.subject,
        html: stored.rendered.html,
        text: stored.rendered.text,
      }),
      clock: this.time,
      sleep: (ms) => (dead ? never() : this.time.sleep(ms).then(() => (dead ? never() : undefined))),
      died,
    };
  }
}
