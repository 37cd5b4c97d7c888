import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StillContended } from '../../core/ports';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A condition of the transaction failed: the caller's read is stale or the invariant does not hold. */
export class TransactionConditionFailed extends Error {
  constructor(
    /** Indexes of the items whose condition failed. */
    readonly failedItems: readonly number[],
  ) {
    super(`Transaction condition failed on item(s) ${failedItems.join(', ')}`);
  }
}

const conflictAttempts = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes the items in one transaction. A TransactionConflict (another transaction on the same items — AWS
 * raises it under contention, DynamoDB Local rarely does) is retried a bounded number of times with full
 * jitter; a failed condition becomes TransactionConditionFailed naming the items, for the caller to map to
 * a domain outcome.
 */
export const transactWrite = async (
  client: DynamoDBDocumentClient,
  items: readonly TransactItem[],
): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((reason, index) =>
        reason.Code === 'ConditionalCheckFailed' ? [index] : [],
      );
      if (failed.length > 0) throw new TransactionConditionFailed(failed);
      const conflict = reasons.some((reason) => reason.Code === 'TransactionConflict');
      if (!conflict) throw error;
      if (attempt >= conflictAttempts) throw new StillContended();
      await sleep(Math.random() * 25 * 2 ** attempt);
    }
  }
};
