import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../functions/core/errors';
import type { StoredMailing } from '../../functions/core/mailings/drafts';
import { PersonIds } from '../../functions/core/people/person-id';
import { ConcurrentChange } from '../../functions/core/ports';
import {
  ImportInProgress,
  ImportInterrupted,
  type ImportPorts,
  type ImportRequest,
  type ImportStore,
  importRound,
  importSubscribers,
  type SubscriberImport,
} from '../../functions/core/subscriptions/import';
import type { OpenSubscription } from '../../functions/core/subscriptions/model';
import { InMemoryMailingStore } from '../support/in-memory-mailing-sending';
import { FixedClock, SequentialIds } from '../support/in-memory-ports';
import { InMemorySubscriptionStore } from '../support/in-memory-subscription-store';

/** The ImportStore port in memory, conditional as the table's. */
class InMemoryImportStore implements ImportStore {
  readonly imports = new Map<string, SubscriberImport>();
  async get(importId: string) {
    return this.imports.get(importId);
  }
  async begin(record: SubscriberImport) {
    if (this.imports.has(record.importId)) throw new ConcurrentChange();
    this.imports.set(record.importId, record);
  }
  async replace(previous: SubscriberImport, next: SubscriberImport) {
    if (this.imports.get(previous.importId)?.startedAt !== previous.startedAt) throw new ConcurrentChange();
    this.imports.set(next.importId, next);
  }
  constructor(private readonly mailings: InMemoryMailingStore) {}
  async release(previous: SubscriberImport) {
    await this.replace(previous, { ...previous, status: 'interrupted' });
  }
  async finish(previous: SubscriberImport, done: SubscriberImport, mailing?: StoredMailing) {
    if (mailing && this.mailings.mailings.has(mailing.mailing.mailingId)) throw new ConcurrentChange();
    await this.replace(previous, done);
    if (mailing) await this.mailings.create(mailing);
  }
}

const admin = {
  subject: 'admin-1',
  name: 'Dilly Timmer',
  email: 'dilly@drop-in.example',
  groups: ['admins'],
};
const personIds = new PersonIds('import-test-secret-0123456789-abcdef-ghij');

const world = () => {
  const clock = new FixedClock(new Date('2026-12-03T10:00:00.000Z'));
  const store = new InMemorySubscriptionStore();
  const mailings = new InMemoryMailingStore();
  const imports = new InMemoryImportStore(mailings);
  const ports: ImportPorts = {
    store,
    imports,
    render: (content) => ({ html: `<p>${content.body}</p>`, text: content.body }),
    addressIssue: (email) =>
      /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(email) ? undefined : 'Geen geldig e-mailadres.',
    nameOf: (name) => name.trim() || undefined,
    personIds,
    clock,
    ids: new SequentialIds(),
  };
  return { clock, store, imports, mailings, ports };
};

/**
 * A file of `rows` people (line 1 is the header), with the rows at `duplicateLines` repeating the address of
 * the row 100 lines higher up (in other capitals: the same person).
 */
const file = (rows: number, duplicateLines: readonly number[] = []) => {
  const lines = ['e-mailadres;naam'];
  for (let line = 2; line <= rows + 1; line++) {
    const of = duplicateLines.includes(line) ? line - 100 : line;
    const address = `persoon.${of}@jongerenwerk.example`;
    lines.push(`${of === line ? address : address.toUpperCase()};Persoon ${of}`);
  }
  return `${lines.join('\r\n')}\r\n`;
};
const addressOn = (line: number) => `persoon.${line}@jongerenwerk.example`;

const request = (csv: string, extra: Partial<ImportRequest> = {}): ImportRequest => ({
  file: csv,
  source: 'intekenlijst kennisnetwerk Utrecht, 12 maart 2025',
  topics: ['nieuwsbrief', 'bijeenkomsten'],
  dryRun: false,
  ...extra,
});

const duplicateLines = [150, 160, 170, 180, 190, 410, 420, 430, 440, 450];
const suppressedLines = [10, 20, 30, 40, 50];

describe('importing subscribers', () => {
  it('reports exactly the 10 duplicates and 5 suppressed of 500 rows, and makes the other 485 pending with one mailing', async () => {
    const { store, imports, mailings, ports } = world();
    for (const line of suppressedLines) store.suppressed.add(personIds.of(addressOn(line)));

    const report = await importSubscribers(ports, admin, request(file(500, duplicateLines)));

    expect(report).toMatchObject({ dryRun: false, rows: 500, imported: 485, confirmedElsewhere: false });
    expect(report.duplicates).toEqual(duplicateLines.map((line) => ({ line, firstLine: line - 100 })));
    expect(report.suppressed).toEqual(suppressedLines.map((line) => ({ line })));
    expect([
      report.invalid,
      report.alreadySubscribed,
      report.awaitingConfirmation,
      report.unsubscribed,
    ]).toEqual([[], [], [], []]);
    // Only the 485 are pending, each in the import's audience, with the import as their consent's source.
    const pending = [...store.subscriptions.values()] as OpenSubscription[];
    expect(pending).toHaveLength(485);
    expect(pending.every((s) => s.status === 'pending' && s.consent.importId === report.importId)).toBe(true);
    expect(pending.every((s) => s.consent.source === 'import' && s.expiresAt !== undefined)).toBe(true);
    expect(store.importMembers.get(report.importId)?.size).toBe(485);
    for (const line of suppressedLines) {
      expect(store.subscriptions.has(personIds.of(addressOn(line)))).toBe(false);
    }
    // A repeat written under another capitalisation is the first row's person, not a second one.
    expect(pending.find((s) => s.email === addressOn(50))).toBeUndefined();
    expect(store.outbox).toEqual([]);
    // One mailing, sending, to the import's people: the paced pipeline sends the confirmation requests.
    const mailing = report.mailingId ? (await mailings.get(report.mailingId))?.mailing : undefined;
    expect(mailing).toMatchObject({ status: 'sending', audience: { import: report.importId } });
    expect(mailing?.body).toContain('intekenlijst kennisnetwerk Utrecht, 12 maart 2025');
    expect(imports.imports.get(report.importId)).toMatchObject({ status: 'done', report });
  });

  it('reports the same in a dry run and writes nothing', async () => {
    const { store, imports, mailings, ports } = world();
    for (const line of suppressedLines) store.suppressed.add(personIds.of(addressOn(line)));

    const report = await importSubscribers(
      ports,
      admin,
      request(file(500, duplicateLines), { dryRun: true }),
    );

    expect(report).toMatchObject({ dryRun: true, rows: 500, imported: 485, mailingId: null });
    expect(report.duplicates).toHaveLength(10);
    expect(report.suppressed).toHaveLength(5);
    expect([store.subscriptions.size, imports.imports.size, mailings.mailings.size]).toEqual([0, 0, 0]);
    expect([store.importMembers.size, store.askedByImport.size, store.outbox.length]).toEqual([0, 0, 0]);
  });

  it('leaves the subscribed, the waiting and those who unsubscribed as they are, and reports them', async () => {
    const { store, clock, ports } = world();
    const earlier = { ...ports, ids: new SequentialIds() };
    // Line 2 subscribed and confirmed, line 3 waits to confirm a form sign-up, line 4 unsubscribed since.
    await importSubscribers(
      earlier,
      admin,
      request('a@x.example\nb@x.example\nc@x.example\n', {
        source: 'eerdere lijst',
        confirmedEvidence: 'aangemeld op papier',
      }),
    );
    const [b, c] = ['b@x.example', 'c@x.example'].map((address) => personIds.of(address));
    const active = store.subscriptions.get(c as string) as OpenSubscription;
    store.subscriptions.set(c as string, {
      personId: active.personId,
      status: 'unsubscribed',
      topics: active.topics,
      consent: active.consent,
      createdAt: active.createdAt,
      changedAt: active.changedAt,
      unsubscribedAt: active.changedAt,
      version: active.version + 1,
    });
    const waiting = store.subscriptions.get(b as string) as OpenSubscription;
    store.subscriptions.set(b as string, {
      ...waiting,
      status: 'pending',
      consent: { at: waiting.consent.at, source: 'form', textVersion: '2026-11-28' },
      expiresAt: Math.floor(clock.now().getTime() / 1000) + 3600,
    });
    const before = new Map(store.subscriptions);

    const report = await importSubscribers(
      ports,
      admin,
      request('e-mailadres\na@x.example\nb@x.example\nc@x.example\nd@x.example\n'),
    );

    expect(report).toMatchObject({
      imported: 1,
      alreadySubscribed: [{ line: 2 }],
      awaitingConfirmation: [{ line: 3 }],
      unsubscribed: [{ line: 4 }],
    });
    for (const [personId, subscription] of before)
      expect(store.subscriptions.get(personId)).toBe(subscription);
  });

  it('subscribes at once, without mail, when the import comes with evidence of consent; the evidence stays on each', async () => {
    const { store, mailings, ports } = world();

    const report = await importSubscribers(
      ports,
      admin,
      request(file(20), {
        confirmedEvidence: 'Aangemeld met het papieren formulier, bijeenkomst Utrecht 12-3-2025',
      }),
    );

    expect(report).toMatchObject({ imported: 20, confirmedElsewhere: true, mailingId: null });
    const subscribed = [...store.subscriptions.values()] as OpenSubscription[];
    expect(
      subscribed.every((s) => s.status === 'active' && s.consent.evidence?.includes('papieren formulier')),
    ).toBe(true);
    expect(store.audiences.get('nieuwsbrief')?.size).toBe(20);
    expect([mailings.mailings.size, store.importMembers.size, store.outbox.length]).toEqual([0, 0, 0]);
  });

  it('answers the same import again with its report, and refuses it while it is running', async () => {
    const { store, mailings, ports } = world();
    const first = await importSubscribers(ports, admin, request(file(30)));

    const again = await importSubscribers(ports, admin, request(file(30)));

    expect(again).toEqual(first);
    expect(mailings.mailings.size).toBe(1);
    expect(store.subscriptions.size).toBe(30);
    // Another source is another import: the same people are waiting now, so nobody is imported twice.
    const other = await importSubscribers(ports, admin, request(file(30), { source: 'een andere lijst' }));
    expect(other).toMatchObject({ imported: 0, mailingId: null });
    expect(other.awaitingConfirmation).toHaveLength(30);
  });

  it('refuses the second of two identical imports sent at once; only the first writes', async () => {
    const { store, mailings, ports } = world();

    const [first, second] = await Promise.allSettled([
      importSubscribers(ports, admin, request(file(30))),
      importSubscribers(ports, admin, request(file(30))),
    ]);

    expect(first).toMatchObject({ status: 'fulfilled', value: { imported: 30 } });
    expect(second).toMatchObject({ status: 'rejected', reason: expect.any(ImportInProgress) });
    expect([store.subscriptions.size, mailings.mailings.size]).toEqual([30, 1]);
  });

  /** The ports with a subscription store that fails after `after` commits, as a storage failure would. */
  const failingAfter = (ports: ImportPorts, store: InMemorySubscriptionStore, after: number): ImportPorts => {
    let commits = 0;
    return {
      ...ports,
      store: Object.assign(Object.create(store), {
        commit: async (change: Parameters<typeof store.commit>[0]) => {
          if (++commits > after) throw new Error('DynamoDB went away');
          return store.commit(change);
        },
      }),
    };
  };

  it('finishes an import a failure stopped half-way as soon as it is sent again, and mails nobody twice', async () => {
    const { store, imports, mailings, ports } = world();

    await expect(
      importSubscribers(failingAfter(ports, store, 200), admin, request(file(500))),
    ).rejects.toBeInstanceOf(ImportInterrupted);
    // What it left: 200 waiting people, and no mailing to ask them; on its own nothing would mail them.
    expect(store.subscriptions.size).toBe(200);
    expect(mailings.mailings.size).toBe(0);
    const [stopped] = imports.imports.values();
    expect(stopped?.status).toBe('interrupted');

    const report = await importSubscribers(ports, admin, request(file(500)));

    expect(report).toMatchObject({ imported: 500, awaitingConfirmation: [] });
    expect(store.subscriptions.size).toBe(500);
    expect(store.importMembers.get(report.importId)?.size).toBe(500);
    expect(report.mailingId).toBe(stopped?.mailingId);
    expect(mailings.mailings.size).toBe(1);
  });

  it('takes over an import whose process died (no word from it) only after two minutes', async () => {
    const { store, clock, imports, mailings, ports } = world();
    // The process dies: the people it wrote stay, and nothing marks the import as stopped.
    const dead = {
      ...failingAfter(ports, store, 200),
      imports: Object.assign(Object.create(imports), {
        release: async () => {
          throw new Error('the process is gone');
        },
      }),
    };
    await expect(importSubscribers(dead, admin, request(file(500)))).rejects.toBeInstanceOf(
      ImportInterrupted,
    );
    const [stuck] = imports.imports.values();
    expect(stuck?.status).toBe('importing');
    // Sent again at once, it may still be running elsewhere: refused, nothing written.
    await expect(importSubscribers(ports, admin, request(file(500)))).rejects.toBeInstanceOf(
      ImportInProgress,
    );
    expect(store.subscriptions.size).toBe(200);

    clock.advance(180);
    const report = await importSubscribers(ports, admin, request(file(500)));

    expect(report).toMatchObject({ imported: 500 });
    expect(report.mailingId).toBe(stuck?.mailingId);
    expect(imports.imports.get(report.importId)).toMatchObject({ status: 'done', by: stuck?.by });
    expect(mailings.mailings.size).toBe(1);
  });

  it('runs in rounds that stop on time: each goes on where the last stopped, and the last one reports', async () => {
    const { store, clock, imports, mailings, ports } = world();
    const rounds: unknown[] = [];
    // A round whose time is up at once still takes one person per worker (four), so each gets somewhere.
    for (let round = 0; round < 40; round++) {
      const outcome = await importRound(ports, admin, request(file(100)), clock.now());
      rounds.push(outcome);
      if (!('status' in outcome)) break;
      expect(imports.imports.get(outcome.importId)?.status).toBe('interrupted');
    }

    expect(rounds.slice(0, -1)).toEqual(
      Array.from({ length: 24 }, (_, i) => 4 * (i + 1)).map((handled) =>
        expect.objectContaining({ status: 'importing', people: 100, handled }),
      ),
    );
    expect(rounds.at(-1)).toMatchObject({ imported: 100, rows: 100 });
    expect(store.subscriptions.size).toBe(100);
    expect(mailings.mailings.size).toBe(1);
  });

  it('asks nobody twice: who declined (or let it lapse) is not imported again, from another list either', async () => {
    const { store, clock, ports } = world();
    const first = await importSubscribers(ports, admin, request('a@x.example\nb@x.example\n'));
    expect(first.imported).toBe(2);
    // a declines at once (the mail's unsubscribe link deletes the pending subscription); b lets it lapse.
    store.subscriptions.delete(personIds.of('a@x.example'));
    clock.advance(8 * 24 * 3600);

    const again = await importSubscribers(
      ports,
      admin,
      request('e-mailadres\na@x.example\nb@x.example\nc@x.example\n', { source: 'een andere lijst' }),
    );

    expect(again).toMatchObject({ imported: 1, askedBefore: [{ line: 2 }, { line: 3 }] });
    expect(store.subscriptions.has(personIds.of('a@x.example'))).toBe(false);
  });

  it('refuses a file or choices it cannot use, naming the field, and writes nothing', async () => {
    const { store, imports, ports } = world();
    const refusal = (extra: Partial<ImportRequest>, csv = file(3)) =>
      importSubscribers(ports, admin, request(csv, extra)).then(
        () => undefined,
        (error: unknown) =>
          error instanceof InvalidInput ? error.issues.map((issue) => issue.field) : error,
      );

    expect(await refusal({ source: '  ' })).toEqual(['source']);
    expect(await refusal({ source: 'twee\nregels' })).toEqual(['source']);
    expect(await refusal({ topics: [] })).toEqual(['topics']);
    expect(await refusal({ confirmedEvidence: ' ' })).toEqual(['confirmedEvidence']);
    expect(await refusal({}, 'naam;telefoon\nSam;0612345678\n')).toEqual(['csv']);
    expect(await refusal({}, file(2001))).toEqual(['csv']);
    expect([store.subscriptions.size, imports.imports.size]).toEqual([0, 0]);
  });
});
