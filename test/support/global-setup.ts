import type { TestProject } from 'vitest/node';
import {
  type DynamoDbLocal,
  killDynamoDbLocalsNow,
  lightJvmOptions,
  startDynamoDbLocal,
} from '../../local/engines/dynamodb-local';
import { findFreePort } from '../../local/engines/ports';
import { startSesEmulatorProcess } from '../../local/engines/ses-emulator-process';
import { PortInUse } from '../../local/setup-errors';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local (in memory) for this run, e.g. `http://127.0.0.1:41234`. */
    dynamoDbEndpoint: string;
    /** The SES v2 emulator for this run; its `/store` is the inbox. */
    sesEndpoint: string;
  }
}

/** A random free port can be taken between choosing and binding it: try a few. */
const startDynamoDbOnFreePort = async (): Promise<DynamoDbLocal> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startDynamoDbLocal({ port: await findFreePort(), jvmOptions: lightJvmOptions });
    } catch (error) {
      if (!(error instanceof PortInUse) || attempt >= 3) throw error;
    }
  }
};

/**
 * One DynamoDB Local (in memory) and one SES emulator (a process of its own, its mailbox in memory) for the
 * whole run of a project, on random ports on 127.0.0.1, never 3000/8000/8005, so tests run beside a live
 * `npm start`. Test files get fresh tables.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Whatever ends the run, the JVM must not outlive it.
  process.once('exit', killDynamoDbLocalsNow);
  const [dynamoDbStart, sesStart] = await Promise.allSettled([
    startDynamoDbOnFreePort(),
    // In a process of its own, as under `npm start`: it starts while the JVM does, so it costs no time.
    startSesEmulatorProcess({ port: 0 }),
  ]);
  if (dynamoDbStart.status === 'rejected' || sesStart.status === 'rejected') {
    await Promise.allSettled(
      [dynamoDbStart, sesStart].flatMap((start) =>
        start.status === 'fulfilled' ? [start.value.stop()] : [],
      ),
    );
    throw dynamoDbStart.status === 'rejected'
      ? dynamoDbStart.reason
      : (sesStart as PromiseRejectedResult).reason;
  }
  const dynamoDb = dynamoDbStart.value;
  const ses = sesStart.value;
  project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  const engines = [dynamoDb, ses];
  return async () => {
    await Promise.allSettled(engines.map((engine) => engine.stop()));
  };
}
