import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PortInUse } from '../setup-errors';
import { assertPortFree } from './ports';
import { Mailbox, type SesEmulator, type SesEmulatorOptions } from './ses-emulator';

const mainFile = fileURLToPath(new URL('./ses-emulator-main.ts', import.meta.url));
/** tsx (`--import tsx`) resolves from the project's folder, wherever the parent was started. */
const projectDir = fileURLToPath(new URL('../../', import.meta.url));
const stopTimeoutMs = 5_000;

/**
 * Runs the SES emulator (startSesEmulator, with its journal when given) in a child process, as SES runs
 * apart from the senders: a sender that dies, or hangs its event loop, cannot take the mailbox with it. The
 * child dies with this process: `stop()` ends it, and so does this process's exit, however it exits (the
 * child ends when its stdin closes).
 */
export const startSesEmulatorProcess = async (options: SesEmulatorOptions): Promise<SesEmulator> => {
  const host = options.host ?? '127.0.0.1';
  if (options.port !== 0) await assertPortFree(options.port, host, 'SES emulator', options.portVariable);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      mainFile,
      JSON.stringify({
        port: options.port,
        host,
        ...(options.journalFile === undefined ? {} : { journalFile: options.journalFile }),
      }),
    ],
    { cwd: projectDir, stdio: ['pipe', 'pipe', 'inherit'], env: process.env },
  );
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
    if (first.error === 'port-in-use')
      throw new PortInUse(options.port, 'SES emulator', options.portVariable);
    throw new Error(`The SES emulator did not start: ${first.error ?? 'no answer'}`);
  }
  // Whatever else it prints is drained. The child does not keep this process alive on its own: when this
  // process ends without stopping it, its stdin closes and it ends too.
  child.stdout?.resume();
  child.unref();
  for (const pipe of [child.stdin, child.stdout]) (pipe as Partial<Socket> | null)?.unref?.();

  const endpoint = `http://${host}:${first.port}`;
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port: first.port,
    mailbox: new Mailbox(endpoint),
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
