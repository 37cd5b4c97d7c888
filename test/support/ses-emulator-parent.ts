import { startSesEmulatorProcess } from '../../local/engines/ses-emulator-process';

/**
 * A parent of an SES emulator process, for the test that kills it with SIGKILL: its child must not outlive
 * it. Prints the emulator's port, then waits.
 */
const emulator = await startSesEmulatorProcess({ port: 0 });
console.log(JSON.stringify({ port: emulator.port }));
setInterval(() => undefined, 60_000);
