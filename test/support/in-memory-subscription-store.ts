import type { OutboxMail } from '../../functions/core/mailings/outbox';
import type { MailRate } from '../../functions/core/people/mail-rate';
import { ConcurrentChange } from '../../functions/core/ports';
import {
  audienceTopics,
  isLive,
  type Subscription,
  type Topic,
  topics,
} from '../../functions/core/subscriptions/model';
import type {
  SubscriberCounts,
  SubscriberListPage,
  SubscriberListQuery,
  SubscriberStanding,
  SubscriberState,
  SubscriptionChange,
  SubscriptionStore,
} from '../../functions/core/subscriptions/ports';

/**
 * The SubscriptionStore port in memory, with the same promises as the DynamoDB store: a commit is
 * all-or-nothing and conditional on the versions read; topic audiences follow the subscriptions.
 */
export class InMemorySubscriptionStore implements SubscriptionStore {
  readonly subscriptions = new Map<string, Subscription>();
  readonly mailRates = new Map<string, MailRate>();
  readonly suppressed = new Set<string>();
  /** The person records' `meetingMailingsOptOutAt`, by person id. */
  readonly meetingMailingsOptOutAt = new Map<string, string>();
  readonly outbox: OutboxMail[] = [];
  /** The members of each import's audience: person id → the line of the file. */
  readonly importMembers = new Map<string, Map<string, number>>();
  /** Who an import asked to confirm: person id → the import and until when that counts. */
  readonly askedByImport = new Map<string, { importId: string; until: number }>();
  readonly audiences = new Map<Topic, Set<string>>(topics.map((topic) => [topic, new Set<string>()]));
  /** Called after a load and before the commit that follows: lets a test change the records in between. */
  beforeCommit: (() => void) | undefined;

  async load(personId: string): Promise<SubscriberState> {
    const subscription = this.subscriptions.get(personId);
    return {
      ...(subscription ? { subscription } : {}),
      suppressed: this.suppressed.has(personId),
      mailRate: this.mailRates.get(personId) ?? { sentAt: [], version: 0 },
      ...(this.meetingMailingsOptOutAt.has(personId)
        ? { meetingMailingsOptOutAt: this.meetingMailingsOptOutAt.get(personId) }
        : {}),
      ...(this.askedByImport.has(personId) ? { askedByImport: this.askedByImport.get(personId) } : {}),
    };
  }

  async loadMany(personIds: readonly string[]): Promise<ReadonlyMap<string, SubscriberStanding>> {
    return new Map(
      await Promise.all(
        personIds.map(async (personId) => {
          const { subscription, suppressed, askedByImport } = await this.load(personId);
          return [
            personId,
            {
              ...(subscription ? { subscription } : {}),
              suppressed,
              ...(askedByImport ? { askedByImport } : {}),
            },
          ] as const;
        }),
      ),
    );
  }

  async commit(change: SubscriptionChange): Promise<void> {
    const hook = this.beforeCommit;
    this.beforeCommit = undefined;
    hook?.();
    const stored = this.subscriptions.get(change.personId);
    if ((change.next || change.previous) && (stored?.version ?? 0) !== (change.previous?.version ?? 0))
      throw new ConcurrentChange();
    const rate = this.mailRates.get(change.personId);
    if (change.mailRate && (rate?.version ?? 0) !== change.mailRate.previous.version)
      throw new ConcurrentChange();
    const optOut = change.meetingMailingsOptOut;
    if (optOut && this.meetingMailingsOptOutAt.get(change.personId) !== optOut.previous)
      throw new ConcurrentChange();

    if (optOut?.next === undefined) {
      if (optOut) this.meetingMailingsOptOutAt.delete(change.personId);
    } else this.meetingMailingsOptOutAt.set(change.personId, optOut.next);
    if (change.next) this.subscriptions.set(change.personId, change.next);
    else if (change.previous) this.subscriptions.delete(change.personId);
    for (const topic of audienceTopics(change.previous)) this.audiences.get(topic)?.delete(change.personId);
    for (const topic of audienceTopics(change.next)) this.audiences.get(topic)?.add(change.personId);
    if (change.mailRate) {
      this.mailRates.set(change.personId, {
        sentAt: change.mailRate.sentAt,
        version: change.mailRate.previous.version + 1,
      });
    }
    if (change.mail) this.outbox.push(change.mail);
    if (change.importMember) {
      const { importId, line } = change.importMember;
      const members = this.importMembers.get(importId) ?? new Map<string, number>();
      members.set(change.personId, line);
      this.importMembers.set(importId, members);
      this.askedByImport.set(change.personId, { importId, until: change.importMember.markedUntil });
    }
  }

  async list(query: SubscriberListQuery): Promise<SubscriberListPage> {
    const items = [...this.subscriptions.values()].filter(
      (s) =>
        s.status === query.status && (!query.topic || s.topics.includes(query.topic)) && isLive(s, query.now),
    );
    return { items: items.slice(0, query.limit), nextCursor: null };
  }

  async counts(now: Date): Promise<SubscriberCounts> {
    const live = [...this.subscriptions.values()].filter((s) => isLive(s, now));
    const per = (status: Subscription['status']) => {
      const of = live.filter((s) => s.status === status);
      return {
        total: of.length,
        ...(Object.fromEntries(
          topics.map((t) => [t, of.filter((s) => s.topics.includes(t)).length]),
        ) as Record<Topic, number>),
      };
    };
    return {
      active: per('active'),
      pending: per('pending'),
      unsubscribed: { total: per('unsubscribed').total },
    };
  }
}
