import { describe, expect, it } from 'vitest';
import { InvalidInput, MailingConflict, NotPermitted } from '../../functions/core/errors';
import {
  type Audience,
  allSettled,
  approveMailing,
  assertDeletable,
  assertMaySend,
  cancelMailing,
  editMailing,
  type Mailing,
  type MailingStatus,
  mailingStatuses,
  newMailing,
  pausedBySystem,
  pauseMailing,
  quotaAvailable,
  quotaExhausted,
  recordTestSend,
  resumeMailing,
  retryFailed,
  StaleMailing,
  scheduleFired,
  scheduleMailing,
  sendNow,
  statusLabels,
  unscheduleMailing,
} from '../../functions/core/mailings/mailing';
import type { Organiser } from '../../functions/core/organisers/identity';

const now = new Date('2026-03-01T10:00:00.000Z');
const later = new Date('2026-03-02T09:00:00.000Z');
const author: Organiser = {
  subject: 'sub-anna',
  email: 'Anna@Example.org',
  name: 'Anna',
  groups: ['organisers'],
};
const second: Organiser = {
  subject: 'sub-bram',
  email: 'bram@example.org',
  name: 'Bram',
  groups: ['organisers'],
};

const draft = (audience: Audience = { topics: ['nieuwsbrief'] }): Mailing =>
  newMailing({ subject: 'Nieuws van maart', body: '# Hallo\n\nDit is het nieuws.', audience }, author, {
    mailingId: 'm1',
    now,
  });

/** A mailing in any status, as the store could hold it. */
const inStatus = (status: MailingStatus): Mailing => ({
  ...draft(),
  status,
  ...(status === 'scheduled' ? { scheduledAt: later.toISOString() } : {}),
});

/** Every organiser action and system event that moves a mailing, as one call each. */
const moves: Record<string, (mailing: Mailing) => Mailing> = {
  send: (m) => sendNow(m, now),
  schedule: (m) => scheduleMailing(m, later, now),
  unschedule: (m) => unscheduleMailing(m, now),
  pause: (m) => pauseMailing(m, now),
  resume: (m) => resumeMailing(m, now),
  cancel: (m) => cancelMailing(m, now),
  'retry-failed': (m) => retryFailed(m, now),
  edit: (m) => editMailing(m, m.version, { subject: 'Anders' }, now),
  delete: (m) => {
    assertDeletable(m);
    return m;
  },
  approve: (m) => approveMailing(m, second, now),
  'schedule-fired': (m) => scheduleFired(m, later.toISOString(), now).mailing,
  'quota-exhausted': (m) => quotaExhausted(m, now),
  'quota-available': (m) => quotaAvailable(m, now),
  'all-settled': (m) => allSettled(m, now),
  'account-paused': (m) => pausedBySystem(m, 'account', now),
};

/**
 * The issue's list, written out here and not taken from the code: "draft ⇄ scheduled → sending ⇄ paused →
 * sent; sending ⇄ waiting-for-quota; draft → sending by send-now; sent → sending by retry-failed; draft,
 * scheduled, paused and waiting-for-quota → cancelled". Sent is reached from sending, when all recipients
 * have settled; edit, delete and approve keep a draft a draft.
 */
const allowed: readonly (readonly [string, MailingStatus, MailingStatus])[] = [
  ['schedule', 'draft', 'scheduled'],
  ['unschedule', 'scheduled', 'draft'],
  ['schedule-fired', 'scheduled', 'sending'],
  ['pause', 'sending', 'paused'],
  ['account-paused', 'sending', 'paused'],
  ['resume', 'paused', 'sending'],
  ['all-settled', 'sending', 'sent'],
  ['quota-exhausted', 'sending', 'waiting-for-quota'],
  ['quota-available', 'waiting-for-quota', 'sending'],
  ['send', 'draft', 'sending'],
  ['retry-failed', 'sent', 'sending'],
  ['cancel', 'draft', 'cancelled'],
  ['cancel', 'scheduled', 'cancelled'],
  ['cancel', 'paused', 'cancelled'],
  ['cancel', 'waiting-for-quota', 'cancelled'],
  ['edit', 'draft', 'draft'],
  ['delete', 'draft', 'draft'],
  ['approve', 'draft', 'draft'],
];

const outcome = (move: string, status: MailingStatus): MailingStatus | MailingConflict => {
  try {
    return (moves[move] as (mailing: Mailing) => Mailing)(inStatus(status)).status;
  } catch (error) {
    if (error instanceof MailingConflict) return error;
    throw error;
  }
};

describe('the status machine', () => {
  const pairs = Object.keys(moves).flatMap((move) =>
    mailingStatuses.map((status) => [move, status] as const),
  );

  it('covers every status × every move', () => {
    expect(mailingStatuses).toHaveLength(7);
    expect(pairs).toHaveLength(7 * 15);
  });

  it.each(pairs)('%s from %s: the issue’s transition, or a 409 naming the status', (move, status) => {
    const expected = allowed.find(([m, from]) => m === move && from === status);
    const result = outcome(move, status);
    if (expected) {
      expect(result).toBe(expected[2]);
    } else if (move === 'schedule-fired') {
      // At least once: a firing the mailing no longer waits for is ignored, never an error.
      expect(result).toBe(status);
    } else {
      expect(result).toBeInstanceOf(MailingConflict);
      const conflict = result as MailingConflict;
      expect(conflict.status).toBe(status);
      expect(conflict.message).toContain(`(status: ${statusLabels[status]})`);
    }
  });

  it('allows exactly the issue’s transitions (the negative control: one more allowed pair fails this)', () => {
    const taken = pairs
      .filter(([move, status]) => !(outcome(move, status) instanceof MailingConflict))
      .filter(([move, status]) => move !== 'schedule-fired' || status === 'scheduled')
      .map(([move, status]) => `${move}: ${status} → ${outcome(move, status)}`);
    expect(taken.sort()).toEqual(allowed.map(([move, from, to]) => `${move}: ${from} → ${to}`).sort());
    expect(taken).toHaveLength(18);
    const edges = new Set(
      taken.map((line) => line.split(': ')[1]).filter((edge) => !edge?.endsWith('draft → draft')),
    );
    expect(edges.size).toBe(14);
  });

  it('says in Dutch what the status is', () => {
    expect(() => pauseMailing(inStatus('sent'), now)).toThrow(
      'Deze mailing is al verzonden (status: verzonden); pauzeren kan niet.',
    );
    expect(new MailingConflict('sent', 'x').code).toBe('mailing-conflict');
  });

  it('stamps the change and leaves the content version alone', () => {
    const sending = sendNow(draft(), later);
    expect(sending).toMatchObject({ status: 'sending', version: 1, updatedAt: later.toISOString() });
  });

  it('remembers who paused, and forgets it on resume', () => {
    expect(pauseMailing(inStatus('sending'), now).pausedBy).toBe('organiser');
    const byAccount = pausedBySystem(inStatus('sending'), 'account', now);
    expect(byAccount.pausedBy).toBe('account');
    expect(resumeMailing(byAccount, now).pausedBy).toBeUndefined();
  });
});

describe('scheduling', () => {
  it('keeps the instant in UTC, and forgets it when unscheduled', () => {
    const scheduled = scheduleMailing(draft(), new Date('2026-03-02T10:00:00+01:00'), now);
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: '2026-03-02T09:00:00.000Z' });
    expect(unscheduleMailing(scheduled, now).scheduledAt).toBeUndefined();
  });

  it('refuses a time in the past, or now', () => {
    for (const at of [new Date('2026-03-01T09:59:59Z'), now]) {
      expect(() => scheduleMailing(draft(), at, now)).toThrow(InvalidInput);
    }
    expect(() => scheduleMailing(draft(), new Date('nonsense'), now)).toThrow(InvalidInput);
  });

  it('starts once when the schedule fires twice', () => {
    const scheduled = scheduleMailing(draft(), later, now);
    const first = scheduleFired(scheduled, later.toISOString(), later);
    expect(first.outcome).toBe('started');
    expect(first.mailing.status).toBe('sending');
    const second = scheduleFired(first.mailing, later.toISOString(), later);
    expect(second).toEqual({ outcome: 'ignored', mailing: first.mailing });
  });

  it('ignores a firing for an instant the mailing was moved away from', () => {
    const moved = scheduleMailing(
      unscheduleMailing(scheduleMailing(draft(), later, now), now),
      new Date('2026-03-05T09:00:00Z'),
      now,
    );
    expect(scheduleFired(moved, later.toISOString(), later).outcome).toBe('ignored');
  });
});

describe('editing a draft', () => {
  it('raises the version; a stale version is refused', () => {
    const edited = editMailing(draft(), 1, { body: 'Nieuwe tekst' }, later);
    expect(edited).toMatchObject({ version: 2, body: 'Nieuwe tekst', subject: 'Nieuws van maart' });
    expect(() => editMailing(edited, 1, { body: 'x' }, later)).toThrow(StaleMailing);
    expect(new StaleMailing().code).toBe('stale-version');
  });

  it('refuses empty content', () => {
    expect(() => editMailing(draft(), 1, { subject: ' ', body: '' }, later)).toThrow(InvalidInput);
  });
});

describe('the audience', () => {
  const issuesOf = (audience: unknown): string[] => {
    try {
      draft(audience as Audience);
      return [];
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return error.issues.map((issue) => issue.field);
    }
  };

  it('is topics, a meeting, or both', () => {
    expect(issuesOf({ topics: ['nieuwsbrief', 'publicaties'] })).toEqual([]);
    expect(issuesOf({ meeting: 'mt1', registrations: 'waiting' })).toEqual([]);
    expect(issuesOf({ topics: ['bijeenkomsten'], meeting: 'mt1', registrations: 'all' })).toEqual([]);
  });

  it('has at least one part, no repeated or unknown topics, a valid selection', () => {
    expect(issuesOf({})).toEqual(['audience']);
    expect(issuesOf({ topics: [] })).toEqual(['audience.topics']);
    expect(issuesOf({ topics: ['nieuwsbrief', 'nieuwsbrief'] })).toEqual(['audience.topics']);
    expect(issuesOf({ topics: ['spam'] })).toEqual(['audience.topics']);
    expect(issuesOf({ meeting: '', registrations: 'confirmed' })).toEqual(['audience.meeting']);
    expect(issuesOf({ meeting: 'mt1', registrations: 'everyone' })).toEqual(['audience.registrations']);
  });

  it('is checked on an edit too', () => {
    expect(() => editMailing(draft(), 1, { audience: { topics: [] } }, later)).toThrow(InvalidInput);
  });
});

describe('four eyes', () => {
  const large = { audienceCount: 501 };
  const permission = (
    mailing: Mailing,
    audience: { audienceCount: number; threshold?: number } = large,
  ): string | undefined => {
    try {
      assertMaySend(mailing, audience);
      return undefined;
    } catch (error) {
      if (!(error instanceof NotPermitted)) throw error;
      return error.message;
    }
  };
  const tested = (mailing: Mailing) => recordTestSend(mailing, author, ['anna@example.org'], now);

  it('is not needed up to the threshold', () => {
    expect(permission(draft(), { audienceCount: 500 })).toBeUndefined();
    expect(permission(draft(), { audienceCount: 20, threshold: 10 })).toContain('meer dan 10');
  });

  it('stops the author alone, saying what is missing', () => {
    const message = permission(draft());
    expect(message).toContain('testmail');
    expect(message).toContain('goedkeuring van een tweede organisator');
    expect(permission(tested(draft()))).not.toContain('testmail');
    expect(permission(approveMailing(draft(), second, now))).toContain('testmail');
  });

  it('lets a mailing go after a test-send to the author and a second organiser’s approval', () => {
    expect(permission(approveMailing(tested(draft()), second, now))).toBeUndefined();
  });

  it('counts only a test-send that reached the author', () => {
    const toSomeoneElse = recordTestSend(draft(), author, ['someone@example.org'], now);
    expect(permission(approveMailing(toSomeoneElse, second, now))).toContain('testmail');
  });

  it('is voided by an edit after the approval', () => {
    const approved = approveMailing(tested(draft()), second, now);
    const edited = editMailing(approved, approved.version, { subject: 'Nieuws van april' }, later);
    expect(permission(edited)).toContain('door de wijziging vervallen');
    expect(permission(approveMailing(tested(edited), second, later))).toBeUndefined();
  });

  it('does not count an approval of an older version', () => {
    const approvedOld = {
      ...tested(draft()),
      approval: { by: second.subject, at: now.toISOString(), version: 0 },
    };
    expect(permission(approvedOld)).toContain('vervallen');
  });

  it('does not let the author approve their own mailing', () => {
    expect(() => approveMailing(draft(), author, now)).toThrow(NotPermitted);
  });

  it('takes one to five test addresses', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `${name}@example.org`);
    expect(() => recordTestSend(draft(), author, six, now)).toThrow(InvalidInput);
    expect(() => recordTestSend(draft(), author, [], now)).toThrow(InvalidInput);
    expect(recordTestSend(draft(), author, six.slice(0, 5), now).testSends?.[0]?.to).toHaveLength(5);
  });
});
