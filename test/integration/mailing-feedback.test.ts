import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { mailingTag } from '../../functions/core/mailings/recipients';
import { PersonIds } from '../../functions/core/people/person-id';
import type { Topic } from '../../functions/core/subscriptions/model';
import { readMailJournal } from '../../local/engines/mail-journal';
import type { SesEmulator } from '../../local/engines/ses-emulator';
import { startSesEmulatorProcess } from '../../local/engines/ses-emulator-process';
import { type MailingSenderProcess, startMailingSender } from '../../local/sender/mailing-sender';
import { putItems, subscriberItems } from '../support/subscriber-items';
import { startTestSystem, type TestSystem } from '../support/system';
import { waitFor as waitUntil } from '../support/wait-for';

/**
 * SES's feedback on a mailing with the real parts (docs/architecture.md, "Sending a mailing"): DynamoDB
 * Local, the SES emulator journalling every accepted mail, the SES proxy publishing a Complaint for the
 * mailbox simulator's `complaint@` addresses (a `+label` allowed) and holding the account to 10 mails/s, so a
 * mailing of a few dozen takes seconds, and the mailing sender in a process of its own.
 *
 * Recipients are sent in the order of their person ids (the recipient items' keys); the person ids are a keyed
 * hash the test can compute, so it picks complaint addresses that go first, ahead of everyone else.
 */
let system: TestSystem;
let emulator: SesEmulator;
let journalDir: string;
let sender: MailingSenderProcess | undefined;

beforeAll(async () => {
  journalDir = mkdtempSync(join(tmpdir(), 'dropin-journal-'));
  emulator = await startSesEmulatorProcess({ port: 0, journalFile: join(journalDir, 'mail-journal.jsonl') });
  system = await startTestSystem({
    sesUpstream: emulator.endpoint,
    sesAllowance: { maxSendRate: 10, max24HourSend: -1 },
    scheduleRunner: false,
    outboxSweeper: false,
  });
  sender = await startMailingSender({
    LOG_LEVEL: 'ERROR',
    DROPIN_SENDER_POLL_MS: '200',
    DROPIN_SENDER_LEASE_MS: '2000',
    DROPIN_SENDER_CLAIM_MS: '6000',
    DROPIN_SENDER_EVENT_WAIT_MS: '6000',
  });
}, 60_000);
afterAll(async () => {
  await sender?.stop({ kill: true });
  await system?.stop();
  await emulator?.stop();
  rmSync(journalDir, { recursive: true, force: true });
});

const journal = () => readMailJournal(join(journalDir, 'mail-journal.jsonl'));
const personIds = () => new PersonIds(process.env.TOKEN_SECRET as string);

/** Who this file subscribed to each topic. */
const subscribed = new Map<Topic, string[]>();

/** Confirmed subscribers of one topic, written straight into the table as the subscription store keeps them. */
const subscribe = async (topic: Topic, emails: readonly string[]): Promise<void> => {
  subscribed.set(topic, [...(subscribed.get(topic) ?? []), ...emails]);
  const ids = personIds();
  const now = new Date();
  const items = emails.flatMap((email, i) =>
    subscriberItems({ email, personId: ids.of(email), name: `Lid ${i + 1}`, topics: [topic] }, now),
  );
  await putItems(system.documentClient, system.tableName, items);
};

const people = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}-${Date.now()}@example.org`);

/**
 * `count` complaint addresses of the mailbox simulator (`complaint+<label>@…`) whose person ids sort before
 * every one of `others`: the sender reaches them first.
 */
const complainersFirst = (label: string, count: number, others: readonly string[]): string[] => {
  const ids = personIds();
  const lowest = others.map((email) => ids.of(email)).sort()[0] as string;
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) {
    if (i > 100_000) throw new Error('No complaint addresses found that sort first');
    const email = `complaint+${label}${i}@simulator.amazonses.com`;
    if (ids.of(email) < lowest) found.push(email);
  }
  return found;
};

const api = (path: string, init: RequestInit = {}) =>
  system.fetchAsOrganiser(`/api/organiser/mailings${path}`, init);
const post = (path: string, body?: unknown) =>
  api(path, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

interface View {
  status: string;
  pausedBy?: string;
  counts?: { audience: number; sent: number; skipped: number; failed: number; inDoubt: number };
  sending?: { deliveries: number; complaints: number };
}

const view = async (id: string): Promise<View> => (await (await api(`/${id}`)).json()) as View;

/** A mailing to one topic, sent now (small audiences: no four eyes). */
const sendToTopic = async (subject: string, topic: Topic): Promise<string> => {
  const created = await post('', {
    subject,
    body: `# ${subject}\n\nNieuws uit het netwerk.`,
    audience: { topics: [topic] },
  });
  expect(created.status).toBe(201);
  const { mailingId } = (await created.json()) as { mailingId: string };
  expect((await post(`/${mailingId}/send`)).status).toBe(200);
  return mailingId;
};

const waitFor = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> =>
  waitUntil(what, check, timeoutMs, { intervalMs: 100, detail: () => sender?.output() ?? '' });

const until = (id: string, status: string, timeoutMs = 30_000): Promise<View> =>
  waitFor(
    `mailing ${id} to be ${status}`,
    async () => {
      const current = await view(id);
      return current.status === status ? current : undefined;
    },
    timeoutMs,
  );

/** Mails of one mailing in the journal, per recipient address. */
const deliveriesOf = (mailingId: string): Map<string, number> => {
  const byAddress = new Map<string, number>();
  for (const record of journal()) {
    if (record.tags[mailingTag] !== mailingId) continue;
    const address = record.destination.to[0] ?? '';
    byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
  }
  return byAddress;
};
const mailsOf = (mailingId: string): number =>
  [...deliveriesOf(mailingId).values()].reduce((a, b) => a + b, 0);

describe('a complaint from the mailbox simulator', () => {
  it('suppresses the address, and the next mailing to the topic skips it and sends it nothing', async () => {
    const complainer = 'complaint@simulator.amazonses.com';
    const others = people('klacht', 5);
    await subscribe('publicaties', [complainer, ...others]);

    const first = await sendToTopic('Publicaties van dit voorjaar', 'publicaties');
    await until(first, 'sent');
    expect([...deliveriesOf(first).keys()].sort()).toEqual([complainer, ...others].sort());
    // SES's Complaint event suppressed the person (keyed by their id; no address in the list).
    const suppressed = await waitFor(
      'the complainer to be suppressed',
      async () =>
        (
          await system.documentClient.send(
            new GetCommand({
              TableName: system.tableName,
              Key: keys.suppression(personIds().of(complainer)),
              ConsistentRead: true,
            }),
          )
        ).Item,
      10_000,
    );
    expect(suppressed).toMatchObject({ reason: 'complaint' });
    expect(JSON.stringify(suppressed)).not.toContain('simulator');

    const second = await sendToTopic('Nog meer publicaties', 'publicaties');
    const done = await until(second, 'sent');
    expect(done.counts).toMatchObject({ audience: 6, sent: 5, skipped: 1, failed: 0, inDoubt: 0 });
    expect([...deliveriesOf(second).keys()].sort()).toEqual([...others].sort());
  }, 60_000);
});

describe('complaints over the threshold', () => {
  it('pause the mailing (pausedBy complaints) before it reaches everyone', async () => {
    const others = people('drempel', 60);
    const complainers = complainersFirst('drempel', 4, others);
    await subscribe('nieuwsbrief', [...complainers, ...others]);

    const id = await sendToTopic('Nieuwsbrief met klachten', 'nieuwsbrief');
    const paused = await until(id, 'paused');
    expect(paused.pausedBy).toBe('complaints');
    expect(paused.sending?.complaints).toBeGreaterThanOrEqual(3);
    // Paused well before the end, and nothing more goes out while it is.
    await delay(1_500);
    const sent = mailsOf(id);
    expect(sent).toBeLessThan(others.length);
    await delay(2_000);
    expect(mailsOf(id)).toBe(sent);
    expect((await view(id)).status).toBe('paused');
  }, 60_000);

  it('two complaints do not pause it', async () => {
    const others = people('onder', 30);
    const complainers = complainersFirst('onder', 2, others);
    await subscribe('bijeenkomsten', [...complainers, ...others]);

    const id = await sendToTopic('Nieuws over bijeenkomsten', 'bijeenkomsten');
    // Both complaints are counted while the mailing still sends (they went first)…
    await waitFor(
      'two complaints counted while sending',
      async () => {
        const current = await view(id);
        expect(current.status).not.toBe('paused');
        return current.status === 'sending' && current.sending?.complaints === 2 ? true : undefined;
      },
      20_000,
    );
    // …and it goes on to the end.
    const done = await until(id, 'sent');
    expect(done.pausedBy).toBeUndefined();
    expect(done.counts).toMatchObject({ audience: 32, sent: 32, failed: 0 });
    expect(mailsOf(id)).toBe(32);
  }, 60_000);
});

describe('pause, then resume', () => {
  it('stops sending while paused and then reaches everyone, nobody twice', async () => {
    await subscribe('publicaties', people('pauze', 60));
    // The topic's earlier subscribers (of the first test) are in the audience too; the complainer is skipped.
    const audience = subscribed.get('publicaties') ?? [];
    const wanted = audience.filter((email) => !email.startsWith('complaint@'));
    const id = await sendToTopic('Publicaties, met een pauze', 'publicaties');
    await waitFor('15 mails', async () => (mailsOf(id) >= 15 ? true : undefined), 20_000);
    expect((await post(`/${id}/pause`)).status).toBe(200);
    // Sends already in flight finish (on a busy machine that can take more than a second); then nothing more
    // goes out. A sender that kept sending at its 14 a second would never leave the mailbox alone for 1.5 s.
    let seen = mailsOf(id);
    await waitFor(
      'the sends in flight to land',
      async () => {
        await delay(1_500);
        const now = mailsOf(id);
        const quiet = now === seen;
        seen = now;
        return quiet ? true : undefined;
      },
      20_000,
    );
    const whilePaused = mailsOf(id);
    await delay(3_000);
    expect(mailsOf(id)).toBe(whilePaused);
    const paused = await view(id);
    expect(paused).toMatchObject({ status: 'paused', pausedBy: 'organiser' });
    expect(whilePaused).toBeLessThan(paused.counts?.audience ?? 0);

    expect((await post(`/${id}/resume`)).status).toBe(200);
    const done = await until(id, 'sent');
    const got = deliveriesOf(id);
    const duplicates = [...got.values()].filter((count) => count > 1).length;
    const missing = wanted.filter((email) => !got.has(email)).length;
    expect({ duplicates, missing }).toEqual({ duplicates: 0, missing: 0 });
    expect([...got.keys()].filter((email) => !wanted.includes(email))).toEqual([]);
    expect(done.counts).toMatchObject({
      audience: audience.length,
      sent: wanted.length,
      skipped: audience.length - wanted.length,
      failed: 0,
      inDoubt: 0,
    });
  }, 60_000);
});
