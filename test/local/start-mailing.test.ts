import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { mailingTag } from '../../functions/core/mailings/recipients';
import { mailingScheduleName } from '../../functions/core/mailings/sending-control';
import { PersonIds } from '../../functions/core/people/person-id';
import type { ScheduledJob } from '../../functions/core/ports';
import { dataPaths } from '../../local/data-dir';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { readMailJournal } from '../../local/engines/mail-journal';
import { localTableName } from '../../local/runtime';
import {
  cleanUpStarts,
  eventually,
  freshSettings,
  npmStart,
  type StartSettings,
  siteAnswers,
  stopWithSigterm,
} from '../support/npm-start';
import { putItems, subscriberItems } from '../support/subscriber-items';

afterEach(cleanUpStarts);

/** How far ahead the mailing is scheduled: enough to create it and stop `npm start`, short enough to wait for. */
const dueInMs = 12_000;
const audienceSize = 3;

/** Confirmed subscribers of `nieuwsbrief`, written into the table of the running `npm start` as the store keeps them. */
const seedSubscribers = async (settings: StartSettings, emails: readonly string[]): Promise<void> => {
  const ids = new PersonIds(readFileSync(dataPaths(settings.dataDir).tokenSecret, 'utf8').trim());
  const client = new DynamoDBClient({
    ...localAwsSettings,
    endpoint: `http://127.0.0.1:${settings.dynamoDbPort}`,
  });
  const now = new Date();
  const items = emails.flatMap((email, i) =>
    subscriberItems({ email, personId: ids.of(email), name: `Lid ${i + 1}`, topics: ['nieuwsbrief'] }, now),
  );
  try {
    await putItems(DynamoDBDocumentClient.from(client), localTableName, items);
  } finally {
    client.destroy();
  }
};

/** The table's schedules, read (and written) while `npm start` runs. */
const withScheduler = async <T>(settings: StartSettings, use: (scheduler: TableScheduler) => Promise<T>) => {
  const client = new DynamoDBClient({
    ...localAwsSettings,
    endpoint: `http://127.0.0.1:${settings.dynamoDbPort}`,
  });
  try {
    return await use(new TableScheduler(DynamoDBDocumentClient.from(client), localTableName));
  } finally {
    client.destroy();
  }
};

/** An instant as RFC 3339 with the Amsterdam winter offset, as an organiser's form sends it. */
const withOffset = (at: Date): string => {
  const local = new Date(at.getTime() + 3_600_000).toISOString().replace(/Z$/, '');
  return `${local}+01:00`;
};

describe('npm start and a scheduled mailing', () => {
  it('sends it by itself at its time across a restart, once, and a second firing sends nothing', async () => {
    const settings: StartSettings = {
      ...(await freshSettings()),
      env: { DROPIN_SCHEDULER_POLL_MS: '250', DROPIN_SENDER_POLL_MS: '250' },
    };
    const site = `http://127.0.0.1:${settings.sitePort}`;
    const journal = () => readMailJournal(join(settings.dataDir, 'mail-journal.jsonl'));
    const first = npmStart(settings);
    await siteAnswers(first, settings.sitePort, 90_000);
    const organiser = {
      authorization: `Bearer ${readFileSync(dataPaths(settings.dataDir).organiserToken, 'utf8').trim()}`,
      'content-type': 'application/json',
    };
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${site}/api/organiser/mailings${path}`, { ...init, headers: organiser });

    const emails = Array.from({ length: audienceSize }, (_, i) => `lid-${i + 1}-${Date.now()}@example.org`);
    await seedSubscribers(settings, emails);
    const created = await api('', {
      method: 'POST',
      body: JSON.stringify({
        subject: 'Nieuws uit het netwerk',
        body: '# Nieuws uit het netwerk\n\nDe volgende bijeenkomst staat gepland.',
        audience: { topics: ['nieuwsbrief'] },
      }),
    });
    expect(created.status).toBe(201);
    const { mailingId } = (await created.json()) as { mailingId: string };
    const dueAt = Date.now() + dueInMs;
    const scheduled = await api(`/${mailingId}/schedule`, {
      method: 'POST',
      body: JSON.stringify({ at: withOffset(new Date(dueAt)) }),
    });
    expect(scheduled.status).toBe(200);
    expect(await scheduled.json()).toMatchObject({ status: 'scheduled' });
    const name = mailingScheduleName(mailingId);
    const schedule = await withScheduler(settings, (scheduler) => scheduler.find(name));
    expect(schedule).toBeDefined();
    const job = JSON.parse(schedule?.input ?? '{}') as ScheduledJob;
    expect(job).toMatchObject({ kind: 'mailing-send', mailingId });

    // Stopped before its time: nothing of the mailing went out.
    const firstOutput = first.output();
    await stopWithSigterm(first, settings);
    expect(Date.now()).toBeLessThan(dueAt);
    expect(journal().filter((mail) => mail.tags[mailingTag] === mailingId)).toEqual([]);

    // Started again once its time has passed: nobody fires anything, the mails arrive.
    await delay(Math.max(0, dueAt - Date.now()) + 100);
    const second = npmStart(settings);
    await siteAnswers(second, settings.sitePort, 90_000);
    const sentView = async () =>
      (await (await api(`/${mailingId}`)).json()) as {
        status: string;
        updatedAt: string;
        counts?: { audience: number; sent: number; skipped: number; failed: number };
        sending?: { deliveries: number };
      };
    await eventually(async () => (await sentView()).status === 'sent', 30_000, 'the mailing to be sent');
    const ofMailing = () => journal().filter((mail) => mail.tags[mailingTag] === mailingId);
    const delivered = ofMailing();
    expect(delivered.map((mail) => mail.destination.to[0]).sort()).toEqual([...emails].sort());
    expect(Math.min(...delivered.map((mail) => mail.at))).toBeGreaterThanOrEqual(dueAt);
    expect((await sentView()).counts).toMatchObject({
      audience: audienceSize,
      sent: audienceSize,
      skipped: 0,
      failed: 0,
    });
    // The schedule ran and is gone.
    expect(await withScheduler(settings, (scheduler) => scheduler.find(name))).toBeUndefined();

    // Its schedule fires a second time (EventBridge Scheduler delivers at least once): the same schedule, with
    // the same input, due again; the running scheduler fires it (and deletes it once run), and it starts nothing.
    // SES's Delivery events still arrive after `sent` and count on the mailing: wait for every one, so that
    // the view compared below can only change if the second firing wrote something.
    await eventually(
      async () => (await sentView()).sending?.deliveries === audienceSize,
      30_000,
      'every delivery to be counted',
    );
    const before = await sentView();
    await withScheduler(settings, (scheduler) => scheduler.scheduleOnce(name, new Date(), job));
    await eventually(
      async () => (await withScheduler(settings, (scheduler) => scheduler.find(name))) === undefined,
      10_000,
      'the second firing to run',
    );
    await delay(2_000);
    expect(ofMailing()).toHaveLength(audienceSize);
    // Ignored, not started again: the mailing was not written at all.
    expect(await sentView()).toEqual(before);
    // Nothing failed while it ran (a stop may cut a sender's call to the SES proxy short; that is not asked here).
    expect(`${firstOutput}${second.output()}`).not.toMatch(
      /Scheduler: .*failed|Mailing sender failed|\n\s+at /,
    );
    await stopWithSigterm(second, settings);
  }, 240_000);
});
