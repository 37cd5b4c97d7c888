import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { EngineFailedToStart, PortInUse } from '../setup-errors';
import { assertPortFree } from './ports';

/**
 * The local stand-in for the report documents' bucket (docs/architecture.md, "Report documents (PDFs)"):
 * @20minutes/s3rver, which checks the signature and expiry of presigned requests as S3 does, keeping its
 * objects in a folder (under the data folder for `npm start`). It enforces no presigned POST policy (size,
 * type, key): the completing call checks every upload itself, in AWS as here.
 *
 * It runs in a process of its own (s3-main.ts), as the SES emulator does: there it can make one fix to how the
 * server checks signatures (s3-main.ts says which) without touching the functions, and a 20 MiB upload does
 * not hold up their event loop. The child dies with this process: `stop()` ends it, and so does this
 * process's exit, however it exits (the child ends when its stdin closes).
 */

/** The bucket `npm start` makes. */
export const localReportDocumentsBucket = 'dropin-report-documents';

/**
 * The key pair the functions' S3 client signs with offline (functions/adapters/s3/report-documents.ts,
 * `localS3Credentials`), which the server is taught at start.
 */
export const s3CredentialsOffline = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface S3ServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Where the objects are kept; created if missing. */
  readonly directory: string;
  /** The buckets to make (kept if they exist). */
  readonly buckets: readonly string[];
  /** Origins whose pages may post to the buckets (CORS), e.g. the site's `http://localhost:3000`. */
  readonly corsOrigins?: readonly string[];
  /** Environment variable that chooses the port, named in the error when the port is taken. */
  readonly portVariable?: string;
}

/** What the child process is given. */
export interface S3ServerChildOptions {
  readonly port: number;
  readonly host: string;
  readonly directory: string;
  readonly buckets: readonly string[];
  readonly corsOrigins: readonly string[];
}

export interface S3Server {
  /** E.g. `http://127.0.0.1:8007`: S3_ENDPOINT. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the server and waits for its process to end (SIGTERM, then SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
}

const mainFile = fileURLToPath(new URL('./s3-main.ts', import.meta.url));
/** tsx (`--import tsx`) resolves from the project's folder, wherever the parent was started. */
const projectDir = fileURLToPath(new URL('../../', import.meta.url));
const stopTimeoutMs = 5_000;

export const startS3Server = async (options: S3ServerOptions): Promise<S3Server> => {
  const host = options.host ?? '127.0.0.1';
  if (options.port !== 0) await assertPortFree(options.port, host, 'S3 server', options.portVariable);
  const childOptions: S3ServerChildOptions = {
    port: options.port,
    host,
    directory: options.directory,
    buckets: options.buckets,
    corsOrigins: options.corsOrigins ?? [],
  };
  const child = spawn(process.execPath, ['--import', 'tsx', mainFile, JSON.stringify(childOptions)], {
    cwd: projectDir,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const killOnExit = () => {
    child.kill('SIGTERM');
  };
  process.on('exit', killOnExit);

  const first = await new Promise<{ port?: number; error?: string }>((resolve) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const newline = output.indexOf('\n');
      if (newline === -1) return;
      child.stdout?.off('data', onData);
      try {
        resolve(JSON.parse(output.slice(0, newline)) as { port?: number; error?: string });
      } catch {
        resolve({ error: output.slice(0, newline) });
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(() => resolve({ error: `the process ended (${child.exitCode ?? child.signalCode})` }));
  });
  if (first.port === undefined) {
    process.off('exit', killOnExit);
    child.kill('SIGKILL');
    await exited;
    if (first.error === 'port-in-use') throw new PortInUse(options.port, 'S3 server', options.portVariable);
    throw new EngineFailedToStart(`The local S3 server did not start: ${first.error ?? 'no answer'}`);
  }
  // Whatever else it prints is drained. The child does not keep this process alive on its own: when this
  // process ends without stopping it, its stdin closes and it ends too.
  child.stdout?.resume();
  child.unref();
  for (const pipe of [child.stdin, child.stdout]) (pipe as Partial<Socket> | null)?.unref?.();

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${first.port}`,
    port: first.port,
    stop: () => {
      stopping ??= (async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
        await exited;
        clearTimeout(timer);
        process.off('exit', killOnExit);
      })();
      return stopping;
    },
  };
};
