import * as z from 'zod/mini';
import { mailIdTag } from '../../core/mailings/delivery';
import { mailingTag, recipientTag } from '../../core/mailings/recipients';
import type { SesFeedback } from '../../core/mailings/suppression';

/**
 * The SES events the system reads, as the configuration set publishes them to EventBridge (the default bus)
 * and as the offline SES proxy (local/engines/ses-proxy.ts) emits them: one EventBridge event per mail and
 * event type, `source: aws.ses`, the SES event record in `detail`. Only the fields the system uses are
 * checked; everything else passes through untouched. Plain zod, so lib/ and local/ import it too.
 */

/** The EventBridge `detail-type` of each SES event type the system subscribes to. */
export const sesEventDetailTypes = {
  Send: 'Email Sent',
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
  Reject: 'Email Rejected',
  DeliveryDelay: 'Email Delivery Delayed',
} as const;
export type SesEventType = keyof typeof sesEventDetailTypes;

/** SES writes tag values as lists of strings (one per tag of that name). */
const tags = z.record(z.string(), z.array(z.string()));

const mail = z.object({
  messageId: z.string().check(z.minLength(1)),
  timestamp: z.string(),
  destination: z.array(z.string()),
  tags: z._default(tags, {}),
});

const recipient = z.object({ emailAddress: z.string() });

const detail = z.discriminatedUnion('eventType', [
  z.object({ eventType: z.literal('Send'), mail }),
  z.object({
    eventType: z.literal('Delivery'),
    mail,
    delivery: z.object({ recipients: z.array(z.string()) }),
  }),
  z.object({
    eventType: z.literal('Bounce'),
    mail,
    bounce: z.object({
      feedbackId: z.string().check(z.minLength(1)),
      /** Permanent (hard), Transient (soft) or Undetermined. */
      bounceType: z.string(),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: z.array(recipient),
      timestamp: z.string(),
    }),
  }),
  z.object({
    eventType: z.literal('Complaint'),
    mail,
    complaint: z.object({
      feedbackId: z.string().check(z.minLength(1)),
      complainedRecipients: z.array(recipient),
      complaintFeedbackType: z.optional(z.string()),
      timestamp: z.string(),
    }),
  }),
  z.object({ eventType: z.literal('Reject'), mail, reject: z.object({ reason: z.string() }) }),
  z.object({
    eventType: z.literal('DeliveryDelay'),
    mail,
    deliveryDelay: z.object({ delayType: z.string() }),
  }),
]);

/** One SES event as EventBridge delivers it to a Lambda target. */
export const sesEventBridgeEvent = z.object({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.string(),
  source: z.literal('aws.ses'),
  time: z.string(),
  detail,
});
export type SesEventBridgeEvent = z.infer<typeof sesEventBridgeEvent>;
export type SesEventDetail = SesEventBridgeEvent['detail'];

/**
 * The EventBridge rule pattern of the SES events function: the event types above, from this configuration
 * set only (SES tags every event with it).
 */
export const sesEventRulePattern = (configurationSetName: string) => ({
  source: ['aws.ses'],
  'detail-type': Object.values(sesEventDetailTypes),
  detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
});

/**
 * The SES event as the domain's feedback (core/mailings/suppression.ts); undefined for events that need no
 * action (Reject, DeliveryDelay: SES retries a delay itself and reports the bounce if it gives up).
 */
export const feedbackFromSesEvent = (event: SesEventBridgeEvent): SesFeedback | undefined => {
  const { detail } = event;
  const at = new Date(event.time);
  switch (detail.eventType) {
    case 'Send': {
      const mailId = detail.mail.tags[mailIdTag]?.[0];
      return {
        type: 'sent',
        messageId: detail.mail.messageId,
        ...(mailId ? { mailId } : {}),
        ...mailingOf(detail.mail.tags),
        at,
      };
    }
    case 'Delivery':
      // A delivery has no feedback id of its own; one mail is delivered once.
      return {
        type: 'delivered',
        feedbackId: `delivery-${detail.mail.messageId}`,
        recipients: detail.delivery.recipients,
        ...mailingOf(detail.mail.tags),
        at,
      };
    case 'Bounce':
      return {
        type: 'bounced',
        feedbackId: detail.bounce.feedbackId,
        permanent: detail.bounce.bounceType === 'Permanent',
        recipients: detail.bounce.bouncedRecipients.map((recipient) => recipient.emailAddress),
        at,
      };
    case 'Complaint':
      return {
        type: 'complained',
        feedbackId: detail.complaint.feedbackId,
        recipients: detail.complaint.complainedRecipients.map((recipient) => recipient.emailAddress),
        ...mailingOf(detail.mail.tags),
        at,
      };
    default:
      return undefined;
  }
};

/** The mailing and recipient a mail's EmailTags name, when the mailing sender sent it. */
const mailingOf = (mailTags: Record<string, string[]>) => {
  const mailingId = mailTags[mailingTag]?.[0];
  const personId = mailTags[recipientTag]?.[0];
  return mailingId && personId ? { mailing: { mailingId, personId } } : {};
};
