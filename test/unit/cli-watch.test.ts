import { describe, expect, it, vi } from 'vitest';
import { type ApiClient, ApiRefusal } from '../../bin/drop-in/api';
import type { Context } from '../../bin/drop-in/context';
import { ApiUnreachable } from '../../bin/drop-in/exit-codes';
import type { Mailing } from '../../bin/drop-in/mailing-view';
import { printer } from '../../bin/drop-in/output';
import { watchMailing } from '../../bin/drop-in/watch';

/** `mailings watch` over an API that answers from a script: mailings, or failures. */
const sent: Mailing = {
  id: 'm1',
  subject: 'Vooruitblik januari',
  status: 'sent',
  statusLabel: 'verzonden',
  audience: { topics: ['nieuwsbrief'] },
  version: 1,
  author: { name: 'Dilly Timmer' },
  updatedAt: '2027-01-04T08:00:00.000Z',
  counts: { audience: 3, sent: 3, skipped: 0, failed: 0, inDoubt: 0 },
  sending: { audienceComplete: true, ratePerSecond: 12.6 },
};
const sending: Mailing = {
  ...sent,
  status: 'sending',
  statusLabel: 'wordt verzonden',
  counts: { ...sent.counts, sent: 1 } as Mailing['counts'],
};

const contextAnswering = (
  script: readonly (Mailing | Error)[],
): { context: Context; calls: () => number } => {
  let calls = 0;
  const api = {
    call: async () => {
      const next = script[Math.min(calls, script.length - 1)];
      calls += 1;
      if (next instanceof Error) throw next;
      return { status: 200, headers: new Headers(), body: next };
    },
  } as unknown as ApiClient;
  return { context: { api, out: printer(true) }, calls: () => calls };
};

const quietly = async <T>(work: () => Promise<T>): Promise<T> => {
  const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
  const stdout = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
  try {
    return await work();
  } finally {
    stderr.mockRestore();
    stdout.mockRestore();
  }
};

describe('mailings watch', () => {
  const busy = new ApiRefusal(503, { title: 'Even niet beschikbaar' }, 'GET /api/organiser/mailings/{id}');
  const away = new ApiUnreachable('De API antwoordt niet');

  it('goes on through a busy or absent API to the end', async () => {
    const { context, calls } = contextAnswering([sending, busy, away, busy, sent]);
    await expect(quietly(() => watchMailing(context, 'm1', { intervalMs: 1 }))).resolves.toMatchObject({
      status: 'sent',
    });
    expect(calls()).toBe(5);
  });

  it('gives up after six failed polls in a row, and at once on a refusal (the retry can fail)', async () => {
    const down = contextAnswering([sending, busy]);
    await expect(quietly(() => watchMailing(down.context, 'm1', { intervalMs: 1 }))).rejects.toBe(busy);
    expect(down.calls()).toBe(8);
    const refused = new ApiRefusal(403, { detail: 'Geen toegang' }, 'GET /api/organiser/mailings/{id}');
    const forbidden = contextAnswering([sending, refused]);
    await expect(quietly(() => watchMailing(forbidden.context, 'm1', { intervalMs: 1 }))).rejects.toBe(
      refused,
    );
    expect(forbidden.calls()).toBe(2);
  });
});
