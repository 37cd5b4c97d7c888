import type { ComposeMail, OutboxMail, OutboxMailKind } from '../../core/mailings/outbox';
import type { OutgoingMail } from '../../core/ports';
import {
  composeMeetingCancelled,
  composeMeetingReminder,
  composeMeetingUpdated,
  composeRegistrationCancelled,
  composeRegistrationConfirmed,
  composeRegistrationPromoted,
  composeRegistrationWaiting,
} from './meeting-mails';
import {
  type ComposeContext,
  composeSubscriptionConfirm,
  composeSubscriptionManageLink,
  composeSubscriptionWelcome,
} from './subscription-mails';

/** One composer per outbox mail kind: the compiler makes sure no kind is left without one. */
const composers: Record<OutboxMailKind, (mail: OutboxMail, context: ComposeContext) => OutgoingMail> = {
  'subscription-confirm': composeSubscriptionConfirm,
  'subscription-welcome': composeSubscriptionWelcome,
  'subscription-manage-link': composeSubscriptionManageLink,
  'registration-confirmed': composeRegistrationConfirmed,
  'registration-waiting': composeRegistrationWaiting,
  'registration-promoted': composeRegistrationPromoted,
  'registration-cancelled': composeRegistrationCancelled,
  'meeting-cancelled': composeMeetingCancelled,
  'meeting-updated': composeMeetingUpdated,
  'meeting-reminder': composeMeetingReminder,
};

export const outboxComposer =
  (context: () => Promise<ComposeContext>): ComposeMail =>
  async (mail) =>
    composers[mail.kind](mail, await context());
