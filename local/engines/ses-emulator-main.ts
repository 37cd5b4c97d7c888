import { PortInUse } from '../setup-errors';
import { type SesEmulatorOptions, startSesEmulator } from './ses-emulator';

/**
 * The SES emulator's own process (ses-emulator-process.ts starts it): the options as JSON in the first
 * argument; prints one JSON line, `{"port":…}` once it listens or `{"error":…}`, then runs until its parent
 * closes stdin (the parent ended, however) or sends SIGTERM. Ctrl-C and a closed terminal reach the whole
 * process group: they are left to the parent, which stops this process last, after what still sends mail.
 */
const options = JSON.parse(process.argv[2] ?? '{}') as SesEmulatorOptions;

const report = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

try {
  const emulator = await startSesEmulator(options);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void emulator.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  report({ port: emulator.port });
} catch (error) {
  report(
    error instanceof PortInUse
      ? { error: 'port-in-use' }
      : { error: error instanceof Error ? error.message : String(error) },
  );
  process.exit(1);
}
