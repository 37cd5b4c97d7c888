import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, logInvocation } from '../adapters/logger';
import { scheduledJobEvent } from '../adapters/scheduled-jobs';
import { scheduledStart } from '../composition/mailing-sending';
import { reminders } from '../composition/meeting-reminders';
import { scheduledPublication } from '../composition/report-publication';
import { startScheduledMailing } from '../core/mailings/sending-control';
import { sendMeetingReminders } from '../core/meetings/reminders';
import { publishScheduledReport } from '../core/reports/publication';

/**
 * A one-time schedule fired (EventBridge Scheduler in AWS, local/scheduler offline); the event is the
 * schedule's input, the job itself:
 * - `meeting-reminder`: the meeting's reminders are queued, with ids derived from the registrations, so a
 *   second firing queues nothing;
 * - `mailing-send`: a scheduled mailing starts sending (the four-eyes rule checked again at today's
 *   audience); a firing for a mailing no longer scheduled for that instant is ignored, so a second firing
 *   starts nothing. The mailing sender does the sending;
 * - `report-publish`: a scheduled report goes online and its announcement starts, in one write; a firing for
 *   a report no longer scheduled for that instant is ignored, so a second firing publishes and sends nothing.
 * A malformed event throws, so it ends in the dead-letter queue (and its alarm) instead of vanishing.
 */
const run = async (event: unknown): Promise<unknown> => {
  const job = scheduledJobEvent.parse(event);
  if (job.kind === 'mailing-send') {
    const outcome = await startScheduledMailing(scheduledStart(), job);
    logger.info('Scheduled mailing fired', { mailingId: job.mailingId, outcome });
    return { outcome };
  }
  if (job.kind === 'report-publish') {
    const outcome = await publishScheduledReport(scheduledPublication(), job);
    logger.info('Scheduled report fired', { reportId: job.reportId, outcome });
    return { outcome };
  }
  const reminderRun = await sendMeetingReminders(reminders(), job.meetingId);
  logger.info('Meeting reminders queued', { meetingId: job.meetingId, ...reminderRun });
  return reminderRun;
};

export const handler = middy<unknown, unknown, Error, Context>().use(logInvocation()).handler(run);
