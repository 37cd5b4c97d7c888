import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, logInvocation } from '../adapters/logger';
import { senderPorts, senderSettings } from '../composition/mailing-sender';
import { runSender, type SenderReport } from '../core/mailings/sender';

/**
 * Every minute (a recurring EventBridge Scheduler schedule; offline a process of its own): the mailing
 * sender (core/mailings/sender.ts). One run holds the sender's lease and sends every mailing that is sending
 * until nothing is left or a minute before its time limit, then hands over; a run that finds the lease held
 * returns at once. It keeps nothing in memory that a later run needs.
 */
const send = async (_event: unknown, context: Context): Promise<SenderReport> => {
  const deadline = new Date(Date.now() + context.getRemainingTimeInMillis());
  const report = await runSender(await senderPorts(), senderSettings(context.awsRequestId), deadline);
  logger.info('Mailing sender ran', { ...report });
  return report;
};

export const handler = middy<unknown, SenderReport, Error, Context>().use(logInvocation()).handler(send);
