import { untilCommitted } from '../concurrency';
import type { PersonIds } from '../people/person-id';
import type { OutboxLedger, SuppressionCheck } from './delivery';
import type { MailingRecipients, SendingProgressStore } from './recipients';

/**
 * The system's own suppression list (docs/architecture.md, "Mail delivery"): SES reports bounces and
 * complaints, and an address that bounced for good, complained, or bounced softly three times with no
 * delivery in between is never mailed again. Every delivery consults it (delivery.ts). It is kept under the
 * person's key — a keyed hash of the address — so the list itself holds no address.
 */

/** Soft bounces in a row (no delivery in between) after which an address is suppressed. */
export const softBounceLimit = 3;

export type SuppressionReason = 'hard-bounce' | 'complaint' | 'soft-bounces';

/** A mailing's mail to one recipient, as its EmailTags name it. */
export interface MailingMailRef {
  readonly mailingId: string;
  readonly personId: string;
}

/** What SES reported, in the domain's words. Each report that changes a person carries SES's feedback id. */
export type SesFeedback =
  /**
   * SES accepted a mail; `mailId` is its outbox id (the EmailTag), if it came from the outbox; `mailing` its
   * mailing and recipient, if it came from the mailing sender.
   */
  | {
      readonly type: 'sent';
      readonly messageId: string;
      readonly mailId?: string;
      readonly mailing?: MailingMailRef;
      readonly at: Date;
    }
  | {
      readonly type: 'delivered';
      readonly feedbackId: string;
      readonly recipients: readonly string[];
      readonly mailing?: MailingMailRef;
      readonly at: Date;
    }
  | {
      readonly type: 'bounced';
      readonly feedbackId: string;
      /** Permanent (hard); otherwise transient or undetermined, counted as soft. */
      readonly permanent: boolean;
      readonly recipients: readonly string[];
      readonly at: Date;
    }
  | {
      readonly type: 'complained';
      readonly feedbackId: string;
      readonly recipients: readonly string[];
      readonly mailing?: MailingMailRef;
      readonly at: Date;
    };

/** One person's standing with SES, as the store reads it strongly. */
export interface Deliverability {
  readonly suppressed: boolean;
  readonly softBounces: number;
  /** Opaque: the store's guard against a concurrent change of the soft-bounce count. */
  readonly version: number;
}

/**
 * One SES report applied to one person, written in one transaction with a marker of its feedback id: the
 * same report delivered again (EventBridge delivers at least once) finds the marker and changes nothing.
 */
export interface FeedbackChange {
  readonly personId: string;
  readonly feedbackId: string;
  readonly at: Date;
  /** The soft-bounce count to write (0 after a delivery), guarded by the version read. */
  readonly softBounces?: { readonly count: number; readonly previousVersion: number };
  readonly suppress?: SuppressionReason;
}

export interface SuppressionList extends SuppressionCheck {
  deliverability(personId: string): Promise<Deliverability>;
  /**
   * Writes the change unless its feedback id was applied already ('duplicate'). Throws ConcurrentChange when
   * the soft-bounce count moved since it was read.
   */
  apply(change: FeedbackChange): Promise<'applied' | 'duplicate'>;
}

export interface FeedbackPorts {
  readonly suppressions: SuppressionList;
  readonly ledger: Pick<OutboxLedger, 'settleFromSendEvent'>;
  /** The mailing sender's ledger and progress: Send events settle its recipients, the rest is counted. */
  readonly mailings: {
    readonly recipients: Pick<MailingRecipients, 'settleFromSendEvent'>;
    readonly progress: Pick<SendingProgressStore, 'recordFeedback'>;
  };
  readonly personIds: PersonIds;
}

export type PersonOutcome = 'suppressed' | 'counted' | 'reset' | 'unchanged' | 'duplicate';

export type FeedbackOutcome =
  | { readonly type: 'sent'; readonly settled: boolean }
  | {
      readonly type: 'delivered' | 'bounced' | 'complained';
      /** Per recipient: what happened to that person. */
      readonly people: readonly PersonOutcome[];
    };

/**
 * Applies one SES report.
 * 1. Sent, with an outbox id: the mail is settled as sent (this is what resolves a delivery that died
 *    after SES accepted the mail: nothing sends it again).
 * 2. Bounced permanently, or complained: the person is suppressed.
 * 3. Bounced softly: counted; the third in a row suppresses. Delivered: the count starts again.
 * Each person's change is its own transaction, idempotent per feedback id.
 */
export const applySesFeedback = async (
  ports: FeedbackPorts,
  feedback: SesFeedback,
): Promise<FeedbackOutcome> => {
  if (feedback.type === 'sent') {
    const { mailId, mailing } = feedback;
    const settled = mailId
      ? await ports.ledger.settleFromSendEvent(mailId, feedback.messageId, feedback.at)
      : mailing
        ? await ports.mailings.recipients.settleFromSendEvent(
            mailing.mailingId,
            mailing.personId,
            feedback.messageId,
            feedback.at,
          )
        : false;
    return { type: 'sent', settled };
  }
  const people: PersonOutcome[] = [];
  for (const address of new Set(feedback.recipients)) {
    people.push(await applyToPerson(ports, feedback, ports.personIds.of(address)));
  }
  // A mailing counts its deliveries and complaints (its complaint pause), once per recipient: SES delivers
  // its events at least once, and a redelivered complaint must not count towards the pause again.
  if (feedback.type !== 'bounced' && feedback.mailing) {
    await ports.mailings.progress.recordFeedback(
      feedback.mailing.mailingId,
      feedback.mailing.personId,
      feedback.type === 'delivered' ? 'delivery' : 'complaint',
      feedback.at,
    );
  }
  return { type: feedback.type, people };
};

const applyToPerson = (
  ports: FeedbackPorts,
  feedback: Exclude<SesFeedback, { type: 'sent' }>,
  personId: string,
): Promise<PersonOutcome> =>
  untilCommitted({ attempts: 5 }, async () => {
    const base = { personId, feedbackId: feedback.feedbackId, at: feedback.at };
    const standing = await ports.suppressions.deliverability(personId);
    if (feedback.type === 'complained' || (feedback.type === 'bounced' && feedback.permanent)) {
      if (standing.suppressed) return 'unchanged';
      const suppress = feedback.type === 'complained' ? 'complaint' : 'hard-bounce';
      return (await ports.suppressions.apply({ ...base, suppress })) === 'applied'
        ? 'suppressed'
        : 'duplicate';
    }
    if (feedback.type === 'delivered') {
      if (standing.softBounces === 0) return 'unchanged';
      const change = { ...base, softBounces: { count: 0, previousVersion: standing.version } };
      return (await ports.suppressions.apply(change)) === 'applied' ? 'reset' : 'duplicate';
    }
    if (standing.suppressed) return 'unchanged';
    const count = standing.softBounces + 1;
    const change: FeedbackChange = {
      ...base,
      softBounces: { count, previousVersion: standing.version },
      ...(count >= softBounceLimit ? { suppress: 'soft-bounces' } : {}),
    };
    if ((await ports.suppressions.apply(change)) === 'duplicate') return 'duplicate';
    return change.suppress ? 'suppressed' : 'counted';
  });
