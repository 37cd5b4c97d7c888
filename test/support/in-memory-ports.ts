import {
  type Claim,
  type ClaimResult,
  deliveryLeaseSeconds,
  type OutboxLedger,
  type OutboxRef,
  type PostponeReason,
  sendEventWaitSeconds,
} from '../../functions/core/mailings/delivery';
import type { OutboxEntry, OutboxMail, RegistrationRequestedJob } from '../../functions/core/mailings/outbox';
import type {
  Deliverability,
  FeedbackChange,
  SuppressionList,
  SuppressionReason,
} from '../../functions/core/mailings/suppression';
import type { CancellationStore } from '../../functions/core/meetings/cancellation';
import { counterClauses, holds, roomFor } from '../../functions/core/meetings/capacity';
import type { MeetingCatalogue } from '../../functions/core/meetings/catalogue';
import {
  type MeetingChange,
  type MeetingJob,
  type MeetingLifecycleStore,
  MeetingSlugTaken,
} from '../../functions/core/meetings/lifecycle';
import type { MeetingMailStore } from '../../functions/core/meetings/meeting-mails';
import type { Meeting, Registration, RegistrationNeeds } from '../../functions/core/meetings/model';
import {
  listPosition,
  type MeetingListPage,
  type MeetingListQuery,
  type Promotion,
  type RegistrationChange,
  type RegistrationRow,
} from '../../functions/core/meetings/ports';
import type { RegistrationStore } from '../../functions/core/meetings/registration';
import type {
  PendingRegistration,
  RegistrationRequestStore,
} from '../../functions/core/meetings/registration-requests';
import type { ReminderStore } from '../../functions/core/meetings/reminders';
import type { MailRate, MailRateChange } from '../../functions/core/people/mail-rate';
import {
  type Clock,
  ConcurrentChange,
  type IdGenerator,
  type Mailer,
  type OutgoingMail,
  type ScheduledJob,
  type Scheduler,
  type SendOptions,
  type SentMail,
} from '../../functions/core/ports';

/** A clock the test moves by hand. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** A Mailer that keeps what it was asked to send, and the options it was given. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  readonly options: SendOptions[] = [];
  async send(mail: OutgoingMail, options: SendOptions = {}): Promise<SentMail> {
    this.sent.push(mail);
    this.options.push(options);
    return { messageId: `test-${this.sent.length}` };
  }
}

interface LedgerRecord {
  entry: OutboxEntry;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'done';
  dueAt: number;
  attempts: number;
  resends: number;
  claimId?: string;
  messageId?: string;
  failure?: string;
  lastError?: { reason: PostponeReason; detail: string };
  settledBy?: string;
}

/** The outbox ledger's rules over a map: claims with a lease and a Send-event wait, outcomes per claim. */
export class InMemoryOutboxLedger implements OutboxLedger {
  readonly records = new Map<string, LedgerRecord>();
  #claims = 0;

  /** Writes an entry as the transaction of a state change does: pending, due at once. */
  add(entry: OutboxEntry): OutboxRef {
    const ref: OutboxRef =
      entry.type === 'mail' ? { id: entry.mail.mailId, type: 'mail' } : { id: entry.outboxId, type: 'job' };
    const createdAt = entry.type === 'mail' ? entry.mail.createdAt : entry.createdAt;
    this.records.set(`${ref.type}:${ref.id}`, {
      entry,
      state: 'pending',
      dueAt: Date.parse(createdAt),
      attempts: 0,
      resends: 0,
    });
    return ref;
  }

  get(ref: OutboxRef): LedgerRecord | undefined {
    return this.records.get(`${ref.type}:${ref.id}`);
  }

  async claim(ref: OutboxRef, now: Date): Promise<ClaimResult> {
    const record = this.get(ref);
    if (!record) return { outcome: 'missing' };
    if (record.state !== 'pending' && record.state !== 'sending') return { outcome: 'done' };
    if (record.dueAt > now.getTime()) return { outcome: record.state === 'sending' ? 'busy' : 'not-due' };
    const resend = record.state === 'sending';
    this.#claims += 1;
    record.claimId = `claim-${this.#claims}`;
    record.state = 'sending';
    record.attempts += 1;
    record.dueAt = now.getTime() + (deliveryLeaseSeconds + sendEventWaitSeconds) * 1000;
    const { entry } = record;
    const createdAt = entry.type === 'mail' ? entry.mail.createdAt : entry.createdAt;
    return {
      outcome: 'claimed',
      claim: { ref, claimId: record.claimId, attempt: record.attempts, resend, createdAt },
      entry,
    };
  }

  #current(claim: Claim): LedgerRecord | undefined {
    const record = this.get(claim.ref);
    return record?.claimId === claim.claimId ? record : undefined;
  }

  async complete(claim: Claim, _now: Date, messageId?: string): Promise<'done' | 'superseded'> {
    const record = this.#current(claim);
    if (!record) {
      const settled = this.get(claim.ref);
      return settled?.state === 'sent' && settled.messageId === messageId ? 'done' : 'superseded';
    }
    record.state = messageId ? 'sent' : 'done';
    if (messageId) record.messageId = messageId;
    if (claim.resend) record.resends += 1;
    delete record.claimId;
    return 'done';
  }

  async fail(claim: Claim, _now: Date, reason: string): Promise<void> {
    const record = this.#current(claim);
    if (!record) return;
    record.state = 'failed';
    record.failure = reason;
    delete record.claimId;
  }

  async skip(claim: Claim): Promise<void> {
    const record = this.#current(claim);
    if (!record) return;
    record.state = 'skipped';
    delete record.claimId;
  }

  async postpone(
    claim: Claim,
    _now: Date,
    until: Date,
    reason: PostponeReason,
    detail: string,
  ): Promise<void> {
    const record = this.#current(claim);
    if (!record) return;
    record.state = 'pending';
    record.dueAt = until.getTime();
    record.lastError = { reason, detail };
    delete record.claimId;
  }

  async due(now: Date, limit: number): Promise<readonly OutboxRef[]> {
    return [...this.records.entries()]
      .filter(
        ([, record]) =>
          (record.state === 'pending' || record.state === 'sending') && record.dueAt <= now.getTime(),
      )
      .slice(0, limit)
      .map(([key]) => {
        const [type, ...id] = key.split(':');
        return { type: type as OutboxRef['type'], id: id.join(':') };
      });
  }

  async oldestUnsettled(): Promise<Date | undefined> {
    const ages = [...this.records.values()]
      .filter((record) => record.state === 'pending' || record.state === 'sending')
      .map((record) =>
        Date.parse(record.entry.type === 'mail' ? record.entry.mail.createdAt : record.entry.createdAt),
      );
    return ages.length ? new Date(Math.min(...ages)) : undefined;
  }

  async settleFromSendEvent(mailId: string, messageId: string): Promise<boolean> {
    const record = this.get({ id: mailId, type: 'mail' });
    if (!record || (record.state !== 'pending' && record.state !== 'sending')) return false;
    record.state = 'sent';
    record.messageId = messageId;
    record.settledBy = 'ses-send-event';
    delete record.claimId;
    return true;
  }
}

/** The suppression list's rules over maps, with the Dynamo adapter's idempotency per feedback id. */
export class InMemorySuppressionList implements SuppressionList {
  readonly suppressed = new Map<string, SuppressionReason>();
  readonly soft = new Map<string, { count: number; version: number }>();
  readonly applied = new Set<string>();

  async isSuppressed(personId: string): Promise<boolean> {
    return this.suppressed.has(personId);
  }

  async deliverability(personId: string): Promise<Deliverability> {
    const soft = this.soft.get(personId);
    return {
      suppressed: this.suppressed.has(personId),
      softBounces: soft?.count ?? 0,
      version: soft?.version ?? 0,
    };
  }

  async apply(change: FeedbackChange): Promise<'applied' | 'duplicate'> {
    const marker = `${change.personId}:${change.feedbackId}`;
    if (this.applied.has(marker)) return 'duplicate';
    if (
      change.softBounces &&
      (this.soft.get(change.personId)?.version ?? 0) !== change.softBounces.previousVersion
    ) {
      throw new ConcurrentChange();
    }
    this.applied.add(marker);
    if (change.softBounces) {
      this.soft.set(change.personId, {
        count: change.softBounces.count,
        version: change.softBounces.previousVersion + 1,
      });
    }
    if (change.suppress) this.suppressed.set(change.personId, change.suppress);
    return 'applied';
  }
}

/** Ids that sort in the order they were made, also within one millisecond of a fixed clock. */
export class SequentialIds implements IdGenerator {
  #count = 0;
  next(): string {
    this.#count += 1;
    return `ID${String(this.#count).padStart(8, '0')}`;
  }
}

/** One-time schedules kept in a map: created, moved, deleted; idempotent as the real ones. */
export class RecordingScheduler implements Scheduler {
  readonly schedules = new Map<string, { at: Date; job: ScheduledJob }>();
  async scheduleOnce(name: string, at: Date, job: ScheduledJob): Promise<void> {
    this.schedules.set(name, { at, job });
  }
  async cancel(name: string): Promise<void> {
    this.schedules.delete(name);
  }
}

const registrationKey = (meetingId: string, personId: string) => `${meetingId}/${personId}`;
const placeKey = (registration: Registration) => `${registration.meetingId}/${registration.waitingKey}`;
const isConfirmed = (registration: Registration | undefined) =>
  registration?.status === 'confirmed' ? 1 : 0;
const isWaiting = (registration: Registration | undefined) => (registration?.status === 'waiting' ? 1 : 0);

/**
 * The meeting ports in memory: one table behind every capability's small port, with the DynamoDB adapters'
 * promises. A change is all-or-nothing and conditional on what was read (versions, the calendar sequence,
 * the waiting places); the counters move only by the change's own deltas and are guarded by the clauses of
 * the capacity rule (core/meetings/capacity.ts), evaluated with `holds`.
 */
export class InMemoryMeetings
  implements
    RegistrationStore,
    CancellationStore,
    MeetingLifecycleStore,
    MeetingCatalogue,
    ReminderStore,
    MeetingMailStore,
    RegistrationRequestStore
{
  readonly meetings = new Map<string, Meeting>();
  /** Registration requests by `<meetingId>/<personId>`. */
  readonly pending = new Map<string, PendingRegistration>();
  readonly registrations = new Map<string, Registration>();
  readonly needs = new Map<string, RegistrationNeeds>();
  /** Waiting places by `<meetingId>/<waitingKey>`: the person waiting there. */
  readonly waiting = new Map<string, string>();
  readonly mailRates = new Map<string, MailRate>();
  readonly outbox: OutboxMail[] = [];
  readonly jobs: MeetingJob[] = [];
  readonly reminderRuns = new Map<string, Date>();
  /** Called before the next conditional write: lets a test change the records between a read and it. */
  beforeCommit: (() => void) | undefined;

  #beforeCommit(): void {
    const hook = this.beforeCommit;
    this.beforeCommit = undefined;
    hook?.();
  }

  async createMeeting(meeting: Meeting): Promise<void> {
    if (this.meetings.has(meeting.meetingId)) throw new ConcurrentChange();
    this.#claimSlug(meeting);
    this.meetings.set(meeting.meetingId, meeting);
  }

  /** Slugs as the table keeps them: each names one meeting for good, and none is another meeting's id. */
  readonly slugs = new Map<string, string>();

  #claimSlug({ meetingId, slug }: Meeting): void {
    if (slug === undefined) return;
    const holder = this.slugs.get(slug);
    if ((holder !== undefined && holder !== meetingId) || (slug !== meetingId && this.meetings.has(slug))) {
      throw new MeetingSlugTaken(slug);
    }
    this.slugs.set(slug, meetingId);
  }

  async meetingIdAt(slug: string): Promise<string | undefined> {
    return this.slugs.get(slug);
  }

  async getMeeting(meetingId: string): Promise<Meeting | undefined> {
    return this.meetings.get(meetingId);
  }

  async updateMeeting({
    previous,
    next,
    promotions = [],
    mails = [],
    jobs = [],
  }: MeetingChange): Promise<void> {
    this.#beforeCommit();
    const stored = this.meetings.get(next.meetingId);
    if (
      !stored ||
      stored.version !== previous.version ||
      !holds(stored, [roomFor(next.capacity, promotions.length)])
    ) {
      throw new ConcurrentChange();
    }
    this.#checkPromotions(promotions);
    if (next.slug !== previous.slug) this.#claimSlug(next);
    this.meetings.set(next.meetingId, {
      ...next,
      confirmedCount: stored.confirmedCount + promotions.length,
      waitingCount: stored.waitingCount - promotions.length,
    });
    this.#applyPromotions(promotions);
    this.outbox.push(...mails);
    this.jobs.push(...jobs);
  }

  async listMeetings({
    status,
    from,
    before,
    after,
    limit,
    cursor,
  }: MeetingListQuery): Promise<MeetingListPage> {
    const listed = [...this.meetings.values()]
      .filter(
        (meeting) =>
          meeting.status === status &&
          (before
            ? Date.parse(meeting.startsAt) < before.getTime()
            : after !== undefined
              ? listPosition(meeting) > after
              : !from || Date.parse(meeting.startsAt) >= from.getTime()),
      )
      // DynamoDB orders sort keys by their bytes: for these ASCII keys, JavaScript's < is the same order.
      .sort((a, b) => (listPosition(a) < listPosition(b) ? -1 : 1));
    if (before) listed.reverse();
    const start = cursor ? Number(cursor) : 0;
    const end = start + limit;
    return { items: listed.slice(start, end), nextCursor: end < listed.length ? String(end) : null };
  }

  async getRegistration(meetingId: string, personId: string): Promise<Registration | undefined> {
    return this.registrations.get(registrationKey(meetingId, personId));
  }

  /** The waiting places of a meeting, first come first: [waitingKey, personId]. */
  #places(meetingId: string): [string, string][] {
    return [...this.waiting.entries()]
      .filter(([place]) => place.startsWith(`${meetingId}/`))
      .map(([place, personId]): [string, string] => [place.slice(meetingId.length + 1), personId])
      .sort(([a], [b]) => a.localeCompare(b));
  }

  async waitingHead(meetingId: string, limit: number): Promise<readonly Registration[]> {
    const head = this.#places(meetingId)
      .slice(0, limit)
      .map(([, personId]) => this.registrations.get(registrationKey(meetingId, personId)));
    if (head.some((registration) => registration?.status !== 'waiting')) throw new ConcurrentChange();
    return head as Registration[];
  }

  async waitingPosition(meetingId: string, waitingKey: string): Promise<number> {
    return this.#places(meetingId).filter(([key]) => key <= waitingKey).length;
  }

  async commitRegistration(change: RegistrationChange): Promise<void> {
    this.#beforeCommit();
    const { meeting, previous, next, requires, promotions = [], mails, needs, addsSeat, request } = change;
    const stored = this.meetings.get(meeting.meetingId);
    if (request?.mustExist && !this.pending.has(registrationKey(request.meetingId, request.personId)))
      throw new ConcurrentChange();
    if (!stored || !holds(stored, counterClauses(meeting, requires)) || stored.sequence !== meeting.sequence)
      throw new ConcurrentChange();
    const key = registrationKey(next.meetingId, next.personId);
    const current = this.registrations.get(key);
    if (previous ? current?.version !== previous.version : current) throw new ConcurrentChange();
    const leaves = previous?.status === 'waiting' && previous.waitingKey && next.status !== 'waiting';
    const joins = next.status === 'waiting' && next.waitingKey && previous?.status !== 'waiting';
    if (leaves && previous && !this.waiting.has(placeKey(previous))) throw new ConcurrentChange();
    if (joins && this.waiting.has(placeKey(next))) throw new ConcurrentChange();
    this.#checkPromotions(promotions);

    this.meetings.set(stored.meetingId, {
      ...stored,
      confirmedCount: stored.confirmedCount + isConfirmed(next) - isConfirmed(previous) + promotions.length,
      waitingCount: stored.waitingCount + isWaiting(next) - isWaiting(previous) - promotions.length,
      ...(joins ? { waitingTicket: (stored.waitingTicket ?? 0) + 1 } : {}),
      ...(addsSeat ? { capacity: stored.capacity + 1, version: stored.version + 1 } : {}),
    });
    if (request) this.pending.delete(registrationKey(request.meetingId, request.personId));
    this.registrations.set(key, next);
    if (leaves && previous) this.waiting.delete(placeKey(previous));
    if (joins) this.waiting.set(placeKey(next), next.personId);
    if (needs) this.needs.set(key, needs);
    if (next.status === 'cancelled' && previous?.status !== 'cancelled') this.needs.delete(key);
    this.#applyPromotions(promotions);
    this.outbox.push(...mails);
  }

  #checkPromotions(promotions: readonly Promotion[]): void {
    for (const { previous } of promotions) {
      const current = this.registrations.get(registrationKey(previous.meetingId, previous.personId));
      if (
        current?.version !== previous.version ||
        current.status !== 'waiting' ||
        !this.waiting.has(placeKey(previous))
      ) {
        throw new ConcurrentChange();
      }
    }
  }

  #applyPromotions(promotions: readonly Promotion[]): void {
    for (const { previous, next, mail } of promotions) {
      this.waiting.delete(placeKey(previous));
      this.registrations.set(registrationKey(next.meetingId, next.personId), next);
      this.outbox.push(mail);
    }
  }

  async listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]> {
    return [...this.registrations.entries()]
      .filter(([, registration]) => registration.meetingId === meetingId)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, registration]) => {
        const needs = this.needs.get(key);
        return needs ? { registration, needs } : { registration };
      });
  }

  async savePending(
    pending: PendingRegistration,
    job: RegistrationRequestedJob,
    createdAt: string,
  ): Promise<void> {
    this.#beforeCommit();
    this.pending.set(registrationKey(pending.meetingId, pending.personId), pending);
    this.jobs.push({ jobId: `registration-request-${pending.requestId}`, job, createdAt });
  }

  async countPending(meetingId: string, now: Date): Promise<number> {
    return [...this.pending.values()].filter(
      (pending) => pending.meetingId === meetingId && Date.parse(pending.expiresAt) > now.getTime(),
    ).length;
  }

  async deletePending(meetingId: string, personId: string): Promise<void> {
    this.pending.delete(registrationKey(meetingId, personId));
  }

  async mailQueued(mailId: string): Promise<boolean> {
    return this.outbox.some((mail) => mail.mailId === mailId);
  }

  async getPending(meetingId: string, personId: string): Promise<PendingRegistration | undefined> {
    return this.pending.get(registrationKey(meetingId, personId));
  }

  async loadMailRate(personId: string): Promise<MailRate> {
    return this.mailRates.get(personId) ?? { sentAt: [], version: 0 };
  }

  async commitResend(
    personId: string,
    { previous, sentAt }: MailRateChange,
    mail: OutboxMail,
  ): Promise<void> {
    this.#beforeCommit();
    if ((this.mailRates.get(personId)?.version ?? 0) !== previous.version) throw new ConcurrentChange();
    if (this.outbox.some((queued) => queued.mailId === mail.mailId)) throw new ConcurrentChange();
    this.mailRates.set(personId, { sentAt, version: previous.version + 1 });
    this.outbox.push(mail);
  }

  async firstReminderRun(meetingId: string, at: Date): Promise<Date> {
    if (!this.reminderRuns.has(meetingId)) this.reminderRuns.set(meetingId, at);
    return this.reminderRuns.get(meetingId) ?? at;
  }

  async queueMailsOnce(mails: readonly OutboxMail[]): Promise<void> {
    for (const mail of mails) {
      if (!this.outbox.some((queued) => queued.mailId === mail.mailId)) this.outbox.push(mail);
    }
  }
}
