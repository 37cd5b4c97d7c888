import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, logInvocation } from '../adapters/logger';
import { feedbackFromSesEvent, sesEventBridgeEvent } from '../adapters/ses/events';
import { feedback } from '../composition/feedback';
import { applySesFeedback, type FeedbackOutcome } from '../core/mailings/suppression';

/**
 * SES reports what happened to a mail (EventBridge rule on the configuration set's events; offline the SES
 * proxy in local/): a Send settles the outbox mail it names, bounces and complaints feed the suppression
 * list. Idempotent per SES feedback id, as EventBridge delivers at least once. An event that cannot be read
 * throws, so it is retried and then kept in the dead-letter queue (and its alarm) rather than lost.
 */
const applyEvent = async (event: unknown): Promise<FeedbackOutcome | { type: 'ignored' }> => {
  const parsed = sesEventBridgeEvent.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`);
    logger.error('Unreadable SES event', { problems });
    throw new Error(`Unreadable SES event: ${problems.join('; ')}`);
  }
  const addressFeedback = feedbackFromSesEvent(parsed.data);
  const ids = { eventId: parsed.data.id, eventType: parsed.data.detail.eventType };
  if (!addressFeedback) {
    logger.info('SES event needs no action', ids);
    return { type: 'ignored' };
  }
  const outcome = await applySesFeedback(await feedback(), addressFeedback);
  logger.info('SES event applied', { ...ids, outcome });
  return outcome;
};

/** SES events hold addresses: the event itself is never logged. */
export const handler = middy<unknown, FeedbackOutcome | { type: 'ignored' }, Error, Context>()
  .use(logInvocation())
  .handler(applyEvent);
