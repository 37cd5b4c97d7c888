import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { TransactionConditionFailed, transactWrite } from '../../functions/adapters/dynamo/transactions';
import { StillContended } from '../../functions/core/ports';

/** A client whose TransactWrite answers with these cancellation reasons, one call after another. */
const answering = (...answers: ({ Code: string }[] | 'ok')[]) => {
  let calls = 0;
  const client = {
    send: async () => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls += 1;
      if (answer === 'ok') return {};
      throw new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: answer,
      });
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, calls: () => calls };
};

describe('a transaction under contention', () => {
  it('is retried, and when TransactionConflict outlasts every retry it is StillContended (a 503), never a raw error', async () => {
    const always = answering([{ Code: 'None' }, { Code: 'TransactionConflict' }]);
    await expect(transactWrite(always.client, [])).rejects.toBeInstanceOf(StillContended);
    expect(always.calls()).toBe(5);

    // The controls: a conflict that passes goes through; a failed condition is the caller's to map.
    const once = answering([{ Code: 'TransactionConflict' }], 'ok');
    await expect(transactWrite(once.client, [])).resolves.toBeUndefined();
    const condition = answering([{ Code: 'ConditionalCheckFailed' }]);
    await expect(transactWrite(condition.client, [])).rejects.toBeInstanceOf(TransactionConditionFailed);
  });
});
