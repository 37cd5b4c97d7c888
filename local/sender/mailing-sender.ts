import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starts the offline mailing sender (sender-process.ts) as a child process with the handler environment, so
 * it can die on its own — as a Lambda does — without taking the site down, and be killed in tests. The
 * child does not outlive this process.
 */
export interface MailingSenderProcess {
  readonly child: ChildProcess;
  /** What it printed (for a test's failure message). */
  output(): string;
  /** Ends it (SIGTERM: it finishes its run's sends and stops), or kills it at once with `kill`. */
  stop(options?: { readonly kill?: boolean }): Promise<void>;
}

const processFile = fileURLToPath(new URL('./sender-process.ts', import.meta.url));

export const startMailingSender = async (
  environment: Readonly<Record<string, string | undefined>>,
  options: { readonly log?: (line: string) => void } = {},
): Promise<MailingSenderProcess> => {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', processFile], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('sender ready')) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`The mailing sender ended (${code ?? signal}):\n${output}`)),
    );
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    for (const line of text.split('\n')) if (line.trim()) options.log?.(line);
  });
  await ready;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    child,
    output: () => output,
    stop: async ({ kill = false } = {}) => {
      process.removeListener('exit', killChild);
      if (child.exitCode === null && child.signalCode === null) child.kill(kill ? 'SIGKILL' : 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
};
