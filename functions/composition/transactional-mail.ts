import { DynamoTransactionalSends } from '../adapters/dynamo/transactional-sends';
import { logger } from '../adapters/logger';
import { countedAsTransactional } from '../core/mailings/pacing';
import type { Mailer } from '../core/ports';
import { mailer } from './mail';
import { once } from './once';
import { clock } from './process';
import { dynamo, tableName } from './table';

/** Transactional mail counted per second in the table; the mailing sender reads it (core/mailings/pacing.ts). */
export const transactionalSends = once(() => new DynamoTransactionalSends(dynamo(), tableName));

/** The mailer of transactional mail (the outbox's deliveries, test-sends): each send counted as it goes. */
export const transactionalMailer = once(
  (): Mailer =>
    countedAsTransactional(mailer, transactionalSends(), clock, (error) =>
      logger.warn('A transactional send was not counted against the SES allowance', {
        error: error instanceof Error ? error.name : String(error),
      }),
    ),
);
