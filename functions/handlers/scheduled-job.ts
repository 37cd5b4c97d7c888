import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, logInvocation } from '../adapters/logger';
import { scheduledJobEvent } from '../adapters/scheduled-jobs';
import { reminders } from '../composition/meeting-reminders';
import { type ReminderRun, sendMeetingReminders } from '../core/meetings/reminders';

/**
 * A meeting's one-time reminder schedule fired (EventBridge Scheduler in AWS, local/scheduler offline); the
 * event is the schedule's input, the job itself. Safe to run twice: the reminders are queued with ids
 * derived from the registrations, so a second firing queues nothing. A malformed event throws, so it ends
 * in the dead-letter queue (and its alarm) instead of vanishing.
 */
const remind = async (event: unknown): Promise<ReminderRun> => {
  const job = scheduledJobEvent.parse(event);
  const run = await sendMeetingReminders(reminders(), job.meetingId);
  logger.info('Meeting reminders queued', { meetingId: job.meetingId, ...run });
  return run;
};

export const handler = middy<unknown, ReminderRun, Error, Context>().use(logInvocation()).handler(remind);
