import { readFileSync } from 'node:fs';
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { dataPaths } from '../data-dir';
import { localAwsSettings } from '../engines/dynamodb-local';
import { applyHandlerEnvironment, createHandlerLoader, localTableName } from '../runtime';
import { LocalSetupError } from '../setup-errors';
import { describeFailure, type FireOutcome, fireSchedule } from './invoke';

export interface FireCommandSettings {
  /** The schedule's name, e.g. `reminder-<meetingId>`. */
  readonly name: string;
  /** The data folder of the running `npm start` (its person-id key and link keyring sign the links the function writes). */
  readonly dataDir: string;
  readonly dynamoDbPort: number;
  readonly sesPort: number;
  readonly sitePort: number;
}

const tokenSecretOf = (dataDir: string): string => {
  try {
    return readFileSync(dataPaths(dataDir).tokenSecret, 'utf8').trim();
  } catch {
    throw new LocalSetupError(`No token secret in ${dataDir}; run \`npm start\` first (DROPIN_DATA_DIR).`);
  }
};

/**
 * `npm run local -- fire <name>`: fires one schedule of the running offline system now. Its function runs in
 * this process, with the environment `npm start` gives it; the outbox mails it writes are delivered by the
 * running `npm start`'s relay, as any others.
 */
export const fireCommand = async (
  settings: FireCommandSettings,
): Promise<Exclude<FireOutcome, { outcome: 'unknown' }>> => {
  const endpoint = `http://127.0.0.1:${settings.dynamoDbPort}`;
  applyHandlerEnvironment({
    siteUrl: `http://localhost:${settings.sitePort}`,
    dynamoDbEndpoint: endpoint,
    sesEndpoint: `http://127.0.0.1:${settings.sesPort}`,
    tokenSecret: tokenSecretOf(settings.dataDir),
    linkKeysFile: dataPaths(settings.dataDir).linkKeys,
    logLevel: 'WARN',
  });
  const client = new DynamoDBClient({
    ...localAwsSettings,
    endpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  });
  try {
    const scheduler = new TableScheduler(DynamoDBDocumentClient.from(client), localTableName);
    // A first read tells "no engine, or no table" from "no such schedule", each with its own advice.
    try {
      await scheduler.find(settings.name);
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new LocalSetupError(
          `DynamoDB Local on ${endpoint} has no table ${localTableName}; is \`npm start\` running?`,
        );
      }
      throw new LocalSetupError(
        `No DynamoDB Local answers on ${endpoint} (${describeFailure(error)}); is \`npm start\` running?`,
      );
    }
    let fired: FireOutcome;
    try {
      fired = await fireSchedule(scheduler, createHandlerLoader(), settings.name);
    } catch (error) {
      throw new LocalSetupError(
        `${settings.name}: the run failed and the schedule is kept (${describeFailure(error)})`,
      );
    }
    if (fired.outcome === 'unknown') {
      throw new LocalSetupError(
        `No schedule named ${settings.name} (it may have fired already, or been cancelled). ` +
          'Reminders are named reminder-<meetingId>.',
      );
    }
    return fired;
  } finally {
    client.destroy();
  }
};
