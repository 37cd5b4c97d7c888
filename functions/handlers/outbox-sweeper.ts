import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { deliverAndLog, deliveryLog, oldestPendingAgeField } from '../adapters/delivery-log';
import { logger, logInvocation } from '../adapters/logger';
import { delivery } from '../composition/delivery';
import { outboxLedger } from '../composition/outbox-ledger';
import { clock } from '../composition/process';
import { minimumSendTimeMs } from '../core/mailings/delivery';

/** Entries per Query of what is due. */
const pageSize = 25;

export interface SweepSummary {
  readonly attempted: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly oldestPendingAgeSeconds: number;
}

/**
 * Every minute (a recurring EventBridge Scheduler schedule; offline a timer of local/): delivers every
 * outbox entry that is due — one the stream never brought (an expired record, a dead relay), one postponed
 * after a failure, one whose delivery died and whose Send-event wait has passed — page by page until nothing
 * is due or the function's time runs short. Then it logs the age of the oldest entry still unsettled, the
 * metric the backlog alarm watches (0 when none waits). Overlapping sweeps are harmless: claims decide.
 */
const sweep = async (_event: unknown, context: Context): Promise<SweepSummary> => {
  const deadline = new Date(Date.now() + context.getRemainingTimeInMillis());
  const outcomes: Record<string, number> = {};
  let attempted = 0;
  while (deadline.getTime() - Date.now() > minimumSendTimeMs) {
    const due = await outboxLedger().due(clock.now(), pageSize);
    let progressed = false;
    for (const ref of due) {
      const outcome = await deliverAndLog(delivery(), ref, deadline);
      attempted += 1;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      // Busy, not yet due or out of time: listed still (the index lags a moment), but not for this sweep.
      if (!['busy', 'not-due', 'out-of-time', 'error'].includes(outcome)) progressed = true;
    }
    if (due.length < pageSize || !progressed) break;
  }
  const oldest = await outboxLedger().oldestUnsettled();
  const age = oldest ? Math.max(0, Math.round((clock.now().getTime() - oldest.getTime()) / 1000)) : 0;
  logger.info(deliveryLog.backlog, { [oldestPendingAgeField]: age, attempted, outcomes });
  return { attempted, outcomes, oldestPendingAgeSeconds: age };
};

export const handler = middy<unknown, SweepSummary, Error, Context>().use(logInvocation()).handler(sweep);
