import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, logInvocation } from '../adapters/logger';
import { failedMailRetention, registrationRetention } from '../composition/retention';
import { forgetContentOfOldFailedMails } from '../core/mailings/failed-mail-retention';
import {
  type RegistrationRetentionRun,
  removePersonalDataOfPastMeetings,
} from '../core/meetings/registration-retention';

export interface RetentionSummary {
  readonly registrations: RegistrationRetentionRun;
  readonly failedMails: number;
}

/** Time kept back from the deadline for the meeting in progress and the failed mails. */
const reserveMs = 60_000;

/**
 * Every night (a recurring EventBridge Scheduler schedule; offline a timer of local/): removes what a TTL
 * cannot (core/retention.ts) — the personal data of registrations of meetings that ended longer than the
 * retention period ago, and the content of mails failed longer ago than their listing. Idempotent, so a
 * repeated or overlapping run changes nothing, and one that died half-way is finished by the next.
 */
const run = async (_event: unknown, context: Context): Promise<RetentionSummary> => {
  const deadline = new Date(Date.now() + context.getRemainingTimeInMillis() - reserveMs);
  const registrations = await removePersonalDataOfPastMeetings(registrationRetention(), deadline);
  const failedMails = await forgetContentOfOldFailedMails(failedMailRetention());
  logger.info('Retention applied', { ...registrations, failedMails });
  return { registrations, failedMails };
};

export const handler = middy<unknown, RetentionSummary, Error, Context>().use(logInvocation()).handler(run);
