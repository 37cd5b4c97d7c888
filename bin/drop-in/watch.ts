import { Presets, SingleBar } from 'cli-progress';
import { ApiRefusal } from './api';
import type { Context } from './context';
import { ApiUnreachable, CliError, exitCodes } from './exit-codes';
import { type Mailing, showMailing } from './mailing-view';

/** Polls in a row that may fail (API busy or away, a network blip) before the watch gives up. */
const maxMisses = 6;

/** Worth asking again: the API overloaded or failing (429, 5xx), or not reached at all. */
const transient = (error: unknown): boolean =>
  error instanceof ApiUnreachable ||
  (error instanceof ApiRefusal && (error.status === 429 || error.status >= 500));

/** Statuses after which nothing more is sent. */
const finished = new Set(['sent', 'cancelled']);

const minutesAndSeconds = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '…';
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
};

export interface WatchOptions {
  readonly intervalMs?: number;
}

/**
 * Follows a mailing until it is sent or cancelled: a bar of the mails done (sent, skipped, failed) out of the
 * audience, the rate SES takes them at and the time left at that rate. On a terminal the bar redraws in
 * place; in a pipe or a log it prints a line every few seconds. The token is asked for before every poll,
 * so a Cognito session is refreshed when the one-hour ID token runs out.
 */
export const watchMailing = async (
  context: Context,
  id: string,
  options: WatchOptions = {},
): Promise<Mailing> => {
  const interval = options.intervalMs ?? 1000;
  const terminal = process.stderr.isTTY === true;
  const bar = new SingleBar(
    {
      format: ' {bar} {percentage}% | {done}/{total} | {rate}/s | nog {left} | {status}',
      barsize: 30,
      hideCursor: terminal,
      clearOnComplete: false,
      stopOnComplete: false,
      noTTYOutput: !terminal,
      notTTYSchedule: 5000,
      // Our own estimate (the rate SES grants now), not cli-progress's average since the start.
      etaBuffer: 1,
    },
    Presets.shades_classic,
  );
  let started = false;
  let mailing: Mailing;
  let misses = 0;
  try {
    for (;;) {
      try {
        mailing = (await context.api.call('GET /api/organiser/mailings/{id}', { params: { id } }))
          .body as Mailing;
        misses = 0;
      } catch (error) {
        // A hiccup (the API busy or briefly away) does not end an hour of watching; a refusal does.
        if (!transient(error) || misses >= maxMisses) throw error;
        misses += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, interval * 2 ** misses)));
        continue;
      }
      const counts = mailing.counts ?? { audience: 0, sent: 0, skipped: 0, failed: 0, inDoubt: 0 };
      const done = counts.sent + counts.skipped + counts.failed;
      const rate = mailing.sending?.ratePerSecond ?? 0;
      const total = Math.max(counts.audience, done, 1);
      const payload = {
        done,
        total: mailing.sending?.audienceComplete === false ? `${counts.audience}+` : counts.audience,
        rate: rate.toFixed(1),
        left: rate > 0 ? minutesAndSeconds((counts.audience - done) / rate) : '…',
        status: mailing.pausedBy ? `${mailing.statusLabel} (${mailing.pausedBy})` : mailing.statusLabel,
      };
      if (!started) {
        if (mailing.status === 'draft') {
          throw new CliError(
            `“${mailing.subject}” is een concept en wordt niet verstuurd: verstuur hem met drop-in mailings send ${id}`,
            exitCodes.failed,
          );
        }
        context.out.say(`“${mailing.subject}” (${id})`);
        bar.start(total, done, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
      if (finished.has(mailing.status)) break;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  } finally {
    // Also on an error: the cursor comes back, and the message starts on a line of its own.
    if (started) bar.stop();
  }
  context.out.result(mailing, () => showMailing(mailing));
  if (mailing.status === 'cancelled') {
    throw new CliError('De mailing is geannuleerd voordat iedereen hem kreeg.', exitCodes.failed);
  }
  return mailing;
};
