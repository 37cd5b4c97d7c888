import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { PersonIds } from '../../functions/core/people/person-id';
import { paths } from '../../functions/paths';
import type { StoredMail } from '../../local/engines/ses-emulator';
import { type MailingSenderProcess, startMailingSender } from '../../local/sender/mailing-sender';
import { putItems, subscriberItems } from '../support/subscriber-items';
import { startTestSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

/**
 * Importing subscribers with the real parts (issue 15): the organiser API's import against DynamoDB Local,
 * the confirmation mailing sent by the mailing sender in a process of its own through the SES proxy to the
 * run's SES emulator, and the confirm link of one of those mails followed on the public page.
 */
let system: TestSystem;
let sender: MailingSenderProcess;

beforeAll(async () => {
  system = await startTestSystem({
    sesAllowance: { maxSendRate: 250, max24HourSend: -1 },
    scheduleRunner: false,
    outboxSweeper: false,
  });
  sender = await startMailingSender({
    LOG_LEVEL: 'ERROR',
    DROPIN_SENDER_POLL_MS: '200',
    // The limiter allows 250/s; the sender keeps to 60/s, so the files beside this one keep their share of the
    // two cores and the table (as test/integration/mailing-send.test.ts does).
    MAILING_SEND_RATE: '60',
    DROPIN_SENDER_LEASE_MS: '2000',
    DROPIN_SENDER_CLAIM_MS: '6000',
    DROPIN_SENDER_EVENT_WAIT_MS: '6000',
  });
  // SES's Send and Delivery events of 485 mails would be some thousand writes of the SES events function that
  // this file does not look at (test/integration/mailing-feedback.test.ts does): on a loaded machine they
  // doubled its time. The mails themselves go through as ever.
  system.sesProxy.faults.add({ kind: 'withhold-events', events: ['Send', 'Delivery'] });
}, 60_000);
afterAll(async () => {
  await sender?.stop({ kill: true });
  await system?.stop();
});

const run = Date.now().toString(36);
const addressOf = (line: number) => `lid-${line}-${run}@jongerenwerk.example`;
const admin = { groups: ['organisers', 'admins'], name: 'Dilly Timmer' };
const source = 'intekenlijst kennisnetwerk Utrecht, 12 maart 2025';

/** Rows on lines 2–501 (line 1 the header); a duplicate line repeats, in capitals, the address 100 lines up. */
const duplicateLines = [150, 160, 170, 180, 190, 410, 420, 430, 440, 450];
const suppressedLines = [10, 20, 30, 40, 50];
const csv = [
  'E-mailadres;Naam',
  ...Array.from({ length: 500 }, (_, i) => {
    const line = i + 2;
    return duplicateLines.includes(line)
      ? `${addressOf(line - 100).toUpperCase()};Lid ${line - 100}`
      : `${addressOf(line)};"Lid ${line}; jongerenwerker"`;
  }),
].join('\r\n');

const importFile = (body: Record<string, unknown>, token: Record<string, unknown> = admin) =>
  system.fetchAsOrganiser(
    '/api/organiser/subscribers/imports',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    token,
  );

/** An import to its end: a round that ran out of time answers 202, and the same request goes on (as the CLI does). */
const importToEnd = async (body: Record<string, unknown>): Promise<Response> => {
  for (;;) {
    const answer = await importFile(body);
    if (answer.status !== 202) return answer;
    expect(await answer.json()).toMatchObject({ status: 'importing' });
  }
};

interface Report {
  importId: string;
  imported: number;
  mailingId: string | null;
  duplicates: { line: number; firstLine: number }[];
  suppressed: { line: number }[];
  invalid: unknown[];
  alreadySubscribed: unknown[];
  awaitingConfirmation: unknown[];
  unsubscribed: unknown[];
}

const mailsOfThisFile = async (): Promise<StoredMail[]> =>
  (await system.mailbox.list()).filter((mail) =>
    mail.destination.to.some((to) => to.endsWith(`-${run}@jongerenwerk.example`)),
  );
const pendingCount = async () => {
  const response = await system.fetchAsOrganiser('/api/organiser/subscribers/counts');
  return ((await response.json()) as { pending: { total: number } }).pending.total;
};

describe('importing 500 rows with 10 duplicates and 5 suppressed addresses', () => {
  beforeAll(async () => {
    const personIds = new PersonIds(process.env.TOKEN_SECRET as string);
    const items = suppressedLines.flatMap((line) =>
      subscriberItems(
        {
          email: addressOf(line),
          personId: personIds.of(addressOf(line)),
          name: `Lid ${line}`,
          standing: 'suppressed',
          topics: ['publicaties'],
        },
        new Date(),
      ),
    );
    await putItems(system.documentClient, system.tableName, items);
  });

  it('is for admins only, and refuses a file it cannot read, writing nothing', async () => {
    const asOrganiser = await importFile({ csv, source }, { groups: ['organisers'] });
    expect(asOrganiser.status).toBe(403);
    const unreadable = await importFile({ csv: 'naam;telefoon\r\nSam;0612345678', source });
    expect(unreadable.status).toBe(400);
    expect(await unreadable.json()).toMatchObject({ errors: [{ field: 'csv' }] });
    expect(await pendingCount()).toBe(0);
  });

  it('reports in a dry run what it would do, and writes nothing', async () => {
    const dryRun = await importFile({ csv, source, topics: ['nieuwsbrief', 'bijeenkomsten'], dryRun: true });
    expect(dryRun.status).toBe(200);
    const report = (await dryRun.json()) as Report;
    expect(report).toMatchObject({ dryRun: true, rows: 500, imported: 485, mailingId: null });
    expect(report.duplicates).toHaveLength(10);
    expect(report.suppressed).toHaveLength(5);
    expect(await pendingCount()).toBe(0);
  });

  it('reports exactly the duplicates and the suppressed, and mails the confirmation request to the 485 others only', async () => {
    const answer = await importToEnd({ csv, source, topics: ['nieuwsbrief', 'bijeenkomsten'] });
    expect(answer.status).toBe(200);
    const report = (await answer.json()) as Report;

    expect(report).toMatchObject({ dryRun: false, rows: 500, imported: 485, confirmedElsewhere: false });
    expect(report.duplicates).toEqual(duplicateLines.map((line) => ({ line, firstLine: line - 100 })));
    expect(report.suppressed).toEqual(suppressedLines.map((line) => ({ line })));
    expect([
      report.invalid,
      report.alreadySubscribed,
      report.awaitingConfirmation,
      report.unsubscribed,
    ]).toEqual([[], [], [], []]);
    expect(await pendingCount()).toBe(485);

    // The confirmation mailing goes through the sender, paced, until every one of them has it.
    const mailingId = report.mailingId as string;
    const mailing = await waitFor(
      'the confirmation mailing sent',
      async () => {
        const response = await system.fetchAsOrganiser(`/api/organiser/mailings/${mailingId}`);
        const body = (await response.json()) as {
          status: string;
          counts?: { sent: number; skipped: number };
        };
        return body.status === 'sent' ? body : undefined;
      },
      120_000,
      { intervalMs: 250 },
    );
    expect(mailing.counts).toMatchObject({ audience: 485, sent: 485, skipped: 0 });
    const mails = await mailsOfThisFile();
    const received = mails.flatMap((mail) => mail.destination.to);
    const expected = Array.from({ length: 500 }, (_, i) => i + 2)
      .filter((line) => !duplicateLines.includes(line) && !suppressedLines.includes(line))
      .map(addressOf);
    expect(received.sort()).toEqual(expected.sort());

    // Each says where the address came from and carries the person's own confirm link, which works.
    const mail = mails.find((m) => m.destination.to.includes(addressOf(2))) as StoredMail;
    expect(mail.subject).toBe('Wil je e-mail van Drop In blijven ontvangen?');
    expect(mail.body.text).toContain(source);
    expect(mail.body.text).toContain('Beste Lid 2; jongerenwerker,');
    expect(mail.headers?.map((header) => header.name)).toContain('List-Unsubscribe');
    const link = (mail.body.text ?? '').match(
      new RegExp(`${system.baseUrl}${paths.confirmSubscription}\\?token=[\\w.%-]+`),
    );
    expect(link).not.toBeNull();
    const confirmed = await system.fetch((link?.[0] ?? '').slice(system.baseUrl.length), { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await pendingCount()).toBe(484);

    // The same import again is the same import: its report, and no second mailing to send it twice.
    const again = await importFile({ csv, source, topics: ['bijeenkomsten', 'nieuwsbrief'] });
    expect(await again.json()).toEqual(report);
    const listed = await system.fetchAsOrganiser('/api/organiser/mailings?limit=100');
    const { items } = (await listed.json()) as { items: { id: string; audience: { import?: string } }[] };
    expect(items.filter((item) => item.audience.import === report.importId).map((item) => item.id)).toEqual([
      mailingId,
    ]);

    // Line 3 declines with the mail's unsubscribe link: the pending subscription goes, address and all, and
    // another list with that address does not ask again.
    const declining = mails.find((m) => m.destination.to.includes(addressOf(3))) as StoredMail;
    const unsubscribe = (declining.headers ?? []).find((header) => header.name === 'List-Unsubscribe');
    const unsubscribeUrl = (unsubscribe?.value ?? '').replace(/^<|>$/g, '');
    const declined = await system.fetch(unsubscribeUrl.slice(system.baseUrl.length), { method: 'POST' });
    expect(declined.status).toBe(200);
    expect(await pendingCount()).toBe(483);
    const otherList = await importFile({
      csv: `e-mailadres\r\n${addressOf(3)}\r\nnieuw-${run}@jongerenwerk.example\r\n`,
      source: 'deelnemerslijst werkplaats Zuid',
      dryRun: true,
    });
    expect(await otherList.json()).toMatchObject({ imported: 1, askedBefore: [{ line: 2 }] });
  }, 180_000);

  it('subscribes at once, without mail, with evidence of consent: counted, in the topic, the evidence kept', async () => {
    const before = await system.fetchAsOrganiser('/api/organiser/subscribers/counts');
    const { active } = (await before.json()) as { active: { total: number; publicaties: number } };
    const people = Array.from({ length: 20 }, (_, i) => `bewijs-${i}-${run}@jongerenwerk.example`);

    const answer = await importToEnd({
      csv: ['e-mailadres', ...people].join('\n'),
      source: 'papieren aanmeldformulieren kennisnetwerk',
      topics: ['publicaties'],
      confirmedEvidence: 'Ondertekende aanmeldformulieren, kennisnetwerk Utrecht 12 maart 2025 (map 2025-03)',
    });

    expect(await answer.json()).toMatchObject({ imported: 20, confirmedElsewhere: true, mailingId: null });
    const after = await system.fetchAsOrganiser('/api/organiser/subscribers/counts');
    expect(((await after.json()) as { active: typeof active }).active).toMatchObject({
      total: active.total + 20,
      publicaties: active.publicaties + 20,
    });
    const personIds = new PersonIds(process.env.TOKEN_SECRET as string);
    const stored = await system.documentClient.send(
      new GetCommand({
        TableName: system.tableName,
        Key: keys.subscription(personIds.of(people[0] as string)),
      }),
    );
    expect(stored.Item).toMatchObject({
      status: 'active',
      consent: { source: 'import', evidence: expect.stringContaining('Ondertekende aanmeldformulieren') },
    });
    expect(
      (await mailsOfThisFile()).filter((mail) => mail.destination.to.some((to) => to.startsWith('bewijs-'))),
    ).toEqual([]);
  }, 60_000);
});
