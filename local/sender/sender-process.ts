import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { senderPorts, senderSettings } from '../../functions/composition/mailing-sender';
import { runSender } from '../../functions/core/mailings/sender';
import type { Mailer } from '../../functions/core/ports';

/**
 * The mailing sender offline, in a process of its own (started by local/sender/mailing-sender.ts with the
 * handler environment): what the recurring schedule does in AWS — run the sender, and again — but at once
 * when a run returns and at most `DROPIN_SENDER_POLL_MS` apart. Each run gets a deadline as a Lambda does
 * (`DROPIN_SENDER_RUN_MS`, default 15 minutes) and hands over before it. Everything it knows is in the table:
 * killed at any moment (SIGKILL), a new process goes on where it stopped.
 *
 * Test settings, by environment: DROPIN_SENDER_CLAIM_MS, DROPIN_SENDER_EVENT_WAIT_MS (0: reconciliation
 * off), DROPIN_SENDER_LEASE_MS, DROPIN_SENDER_HAND_OVER_MS; and a crash hook, DROPIN_SENDER_CRASH_AFTER_SENDS=n:
 * the process kills itself (SIGKILL) right after SES accepted its n-th mail, before the ledger records it.
 */
const numberFrom = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a number of milliseconds`);
  return parsed;
};

const pollMs = numberFrom('DROPIN_SENDER_POLL_MS', 1_000);
const runMs = numberFrom('DROPIN_SENDER_RUN_MS', 15 * 60_000);
const crashAfter = numberFrom('DROPIN_SENDER_CRASH_AFTER_SENDS', 0);
const owner = `local-${process.pid}-${randomUUID().slice(0, 8)}`;
const settings = senderSettings(owner, {
  leaseMs: numberFrom('DROPIN_SENDER_LEASE_MS', 5_000),
  claimMs: numberFrom('DROPIN_SENDER_CLAIM_MS', 10_000),
  sendEventWaitMs: numberFrom('DROPIN_SENDER_EVENT_WAIT_MS', 5_000),
  handOverMs: numberFrom('DROPIN_SENDER_HAND_OVER_MS', 2_000),
  superviseEveryMs: 250,
});

const ports = await senderPorts();
let accepted = 0;
const mailer: Mailer = {
  send: async (mail, options) => {
    const sent = await ports.mailer.send(mail, options);
    accepted += 1;
    if (crashAfter > 0 && accepted === crashAfter) process.kill(process.pid, 'SIGKILL');
    return sent;
  },
};

let stopping = false;
/** The current run's deadline: a stop moves it to now, so the run hands over at its next look. */
let deadline = new Date();
process.on('SIGTERM', () => {
  stopping = true;
  deadline.setTime(0);
});
console.log(`sender ready ${owner}`);
while (!stopping) {
  try {
    deadline = new Date(Date.now() + runMs);
    const report = await runSender({ ...ports, mailer }, settings, deadline);
    if (report.outcome !== 'idle' && report.outcome !== 'lease-held') {
      console.error(`Mailing sender: ${report.outcome}, ${report.sent} sent`);
    }
  } catch (error) {
    console.error(
      `Mailing sender failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  if (!stopping) await delay(pollMs);
}
// Stopped (SIGTERM): the process's peak resident set in KiB, for bench/send.ts.
console.log(`peak-rss ${process.resourceUsage().maxRSS}`);
