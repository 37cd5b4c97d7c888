import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, logInvocation } from '../adapters/logger';
import { vooruitblikEvent } from '../adapters/recurring-schedules';
import { vooruitblik } from '../composition/vooruitblik';
import { runVooruitblik } from '../core/mailings/vooruitblik';

/**
 * The Vooruitblik's recurring schedules fired (EventBridge Scheduler; offline the local scheduler, or
 * `npm run local -- fire vooruitblik` with step `now`): drafts the next digest three working days ahead, or
 * sends it at its time if an organiser approved it (core/mailings/vooruitblik.ts). Safe to run twice. A
 * malformed event throws.
 */
const run = async (event: unknown): Promise<unknown> => {
  const { step, scheduledAt } = vooruitblikEvent.parse(event);
  const result = await runVooruitblik(vooruitblik(), step, new Date(scheduledAt));
  logger.info('Vooruitblik fired', { step, scheduledAt, ...result });
  return result;
};

export const handler = middy<unknown, unknown, Error, Context>().use(logInvocation()).handler(run);
