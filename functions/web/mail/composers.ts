import { redactAddresses } from '../../adapters/redaction';
import { MailCompositionFailed } from '../../core/mailings/delivery';
import type { ComposeMail, OutboxMail, OutboxMailKind } from '../../core/mailings/outbox';
import type { OutgoingMail } from '../../core/ports';
import {
  composeMeetingCancelled,
  composeMeetingReminder,
  composeMeetingUpdated,
  composeRegistrationCancelled,
  composeRegistrationConfirmed,
  composeRegistrationPromoted,
  composeRegistrationRequestConfirm,
  composeRegistrationWaiting,
} from './meeting-mails';
import { composeDigestPreview } from './organiser-mails';
import { composeReportRequestConfirm, composeReportRequestGranted } from './report-request-mails';
import {
  type ComposeContext,
  composeSubscriptionConfirm,
  composeSubscriptionFreshLink,
  composeSubscriptionManageLink,
  composeSubscriptionWelcome,
} from './subscription-mails';

/** One composer per outbox mail kind: the compiler makes sure no kind is left without one. */
const composers: Record<OutboxMailKind, (mail: OutboxMail, context: ComposeContext) => OutgoingMail> = {
  'subscription-confirm': composeSubscriptionConfirm,
  'subscription-welcome': composeSubscriptionWelcome,
  'subscription-manage-link': composeSubscriptionManageLink,
  'subscription-fresh-link': composeSubscriptionFreshLink,
  'registration-request-confirm': composeRegistrationRequestConfirm,
  'registration-confirmed': composeRegistrationConfirmed,
  'registration-waiting': composeRegistrationWaiting,
  'registration-promoted': composeRegistrationPromoted,
  'registration-cancelled': composeRegistrationCancelled,
  'meeting-cancelled': composeMeetingCancelled,
  'meeting-updated': composeMeetingUpdated,
  'meeting-reminder': composeMeetingReminder,
  'digest-preview': composeDigestPreview,
  'report-request-confirm': composeReportRequestConfirm,
  'report-request-granted': composeReportRequestGranted,
};

/**
 * Composes outbox mails. The context (the link keyring, read from Secrets Manager in AWS) is infrastructure:
 * its failure is retried. A composer that throws fails on this mail's own data, which no retry changes:
 * MailCompositionFailed, and the mail is recorded failed.
 */
export const outboxComposer =
  (context: () => Promise<ComposeContext>): ComposeMail =>
  async (mail) => {
    const resolved = await context();
    try {
      return composers[mail.kind](mail, resolved);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new MailCompositionFailed(`${mail.kind}: ${redactAddresses(reason)}`);
    }
  };
