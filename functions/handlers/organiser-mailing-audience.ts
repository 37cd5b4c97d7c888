import { audienceCounter } from '../composition/mailing-sending';
import { mailingStore } from '../composition/mailing-store';
import { config } from '../composition/process';
import type { MailingAudienceBody } from '../contract/schemas/mailings';
import { countMailingAudience } from '../core/mailings/sending-control';
import { httpRoute } from './http/edge';
import { json } from './http/respond';

/**
 * The dry run: how many people the mailing reaches if it is sent now — distinct people of its audience, less
 * the suppressed and those who opted out of mailings to meeting audiences — and what four eyes still need.
 */
export const handler = httpRoute(async (event) => {
  const { count, threshold, missing } = await countMailingAudience(
    { store: mailingStore(), counter: audienceCounter(), fourEyesThreshold: config.FOUR_EYES_THRESHOLD },
    event.pathParameters?.id ?? '',
  );
  return json(200, {
    audience: count.audience,
    distinct: count.distinct,
    skipped: { suppressed: count.suppressed, optedOut: count.optedOut },
    fourEyes: { threshold, required: count.audience > threshold, missing },
  } satisfies MailingAudienceBody);
});
