import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import {
  defaultTimeoutSeconds,
  type EntryName,
  type LambdaEntry,
  lambdaEntries,
} from '../../functions/entries';
import { localAccountId } from './api-gateway-event';

/** The entry's Lambda timeout, as the CDK sets it (default 10 s). */
export const entryTimeoutMs = (entry: EntryName): number => {
  const settings: LambdaEntry = lambdaEntries[entry];
  return (settings.timeoutSeconds ?? defaultTimeoutSeconds) * 1000;
};

/** A Lambda context like the Node.js runtime passes, for one invocation of one entry. */
export const createLambdaContext = (entry: EntryName, region: string, startedAt = Date.now()): Context => {
  const settings: LambdaEntry = lambdaEntries[entry];
  const functionName = `dropin-local-${entry}`;
  const deadline = startedAt + entryTimeoutMs(entry);
  const unsupported = () => {
    throw new Error('The callback-style Lambda context methods are not supported; return a promise.');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${localAccountId}:function:${functionName}`,
    memoryLimitInMB: String(settings.memoryMiB ?? 512),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
};
