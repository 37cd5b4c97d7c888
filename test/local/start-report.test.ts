import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { TableScheduler } from '../../functions/adapters/dynamo/table-scheduler';
import { mailingTag } from '../../functions/core/mailings/recipients';
import { PersonIds } from '../../functions/core/people/person-id';
import type { ScheduledJob } from '../../functions/core/ports';
import { reportScheduleName } from '../../functions/core/reports/publication';
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

/** How far ahead the report is scheduled: enough to create and schedule it, short enough to wait for. */
const dueInMs = 10_000;
/**
 * How late "at its time" may be, as the report records it: the scheduler polls every 250 ms here, and the
 * first firing loads the function; the rest is a busy machine's slack. The test's own look may come later.
 */
const lateByAtMostMs = 5_000;

/** A summary as hostile as Markdown and HTML get: it reaches the page, the feed and the mail as text only. */
const hostileSummary =
  'Wat de werkplaats vond. <script>alert(1)</script> [dit](javascript:alert(1)) [dat](data:text/html,x) ' +
  '<iframe src="https://example.org"></iframe> <img src=x onerror=alert(1)>';
/** An element, event attribute or link that would run or load something. */
const active = /<(script|iframe|img)\b|<[^>]*\son\w+\s*=|href="(javascript|data):/i;

/** The table of the running `npm start`, for its subscribers and its schedules. */
const withTable = async <T>(
  settings: StartSettings,
  use: (documents: DynamoDBDocumentClient) => Promise<T>,
): Promise<T> => {
  const client = new DynamoDBClient({
    ...localAwsSettings,
    endpoint: `http://127.0.0.1:${settings.dynamoDbPort}`,
  });
  try {
    return await use(DynamoDBDocumentClient.from(client));
  } finally {
    client.destroy();
  }
};

describe('npm start and a scheduled report', () => {
  it('publishes it at its time in the archive and the feed, and announces it once to each publicaties subscriber, also when the schedule fires twice', async () => {
    const settings: StartSettings = {
      ...(await freshSettings()),
      env: { DROPIN_SCHEDULER_POLL_MS: '250', DROPIN_SENDER_POLL_MS: '250' },
    };
    const site = `http://127.0.0.1:${settings.sitePort}`;
    const journal = () => readMailJournal(join(settings.dataDir, 'mail-journal.jsonl'));
    const started = npmStart(settings);
    await siteAnswers(started, settings.sitePort, 90_000);
    const organiser = {
      authorization: `Bearer ${readFileSync(dataPaths(settings.dataDir).organiserToken, 'utf8').trim()}`,
      'content-type': 'application/json',
    };
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${site}/api/organiser/reports${path}`, { ...init, headers: organiser });

    // Three subscribers of `publicaties`, and one of `nieuwsbrief` only, who gets nothing.
    const stamp = Date.now();
    const emails = [1, 2, 3].map((i) => `lezer-${i}-${stamp}@example.org`);
    const other = `alleen-nieuwsbrief-${stamp}@example.org`;
    const ids = new PersonIds(readFileSync(dataPaths(settings.dataDir).tokenSecret, 'utf8').trim());
    await withTable(settings, (documents) =>
      putItems(documents, localTableName, [
        ...emails.flatMap((email, i) =>
          subscriberItems(
            { email, personId: ids.of(email), name: `Lezer ${i + 1}`, topics: ['publicaties'] },
            new Date(),
          ),
        ),
        ...subscriberItems(
          { email: other, personId: ids.of(other), name: 'Alleen nieuwsbrief', topics: ['nieuwsbrief'] },
          new Date(),
        ),
      ]),
    );

    const title = `Tussentijdse resultaten werkplaats Zuid ${stamp}`;
    const created = await api('', {
      method: 'POST',
      body: JSON.stringify({
        title,
        kind: 'tussentijdse-resultaten',
        summary: hostileSummary,
        body: '## Resultaten\n\nJongerenwerkers zien signalen eerder dan anderen.',
        publishedOn: '2026-12-01',
      }),
    });
    expect(created.status).toBe(201);
    const report = (await created.json()) as { reportId: string; slug: string; announcementId: string };
    expect(report.announcementId).toEqual(expect.any(String));

    const dueAt = Date.now() + dueInMs;
    const scheduled = await api(`/${report.reportId}/schedule`, {
      method: 'POST',
      body: JSON.stringify({ at: new Date(dueAt).toISOString() }),
    });
    expect(scheduled.status).toBe(200);
    // The report's time is the instant asked for (the lateness below is measured from it).
    expect(await scheduled.json()).toMatchObject({
      status: 'scheduled',
      scheduledAt: new Date(dueAt).toISOString(),
    });
    const name = reportScheduleName(report.reportId);
    const schedule = await withTable(settings, (documents) =>
      new TableScheduler(documents, localTableName).find(name),
    );
    const job = JSON.parse(schedule?.input ?? '{}') as ScheduledJob;
    expect(job).toMatchObject({ kind: 'report-publish', reportId: report.reportId });

    // Before its time it is nowhere public.
    expect((await fetch(`${site}/publicaties/${report.slug}`)).status).toBe(404);
    expect(await (await fetch(`${site}/publicaties`)).text()).not.toContain(title);
    expect(await (await fetch(`${site}/publicaties/feed.xml`)).text()).not.toContain(title);

    // At its time, not before and not much after: on its page, in the archive and in the feed.
    await eventually(
      async () => (await fetch(`${site}/publicaties/${report.slug}`)).status === 200,
      30_000,
      'the report to be published',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt);
    const { firstPublishedAt } = (await (await api(`/${report.reportId}`)).json()) as {
      firstPublishedAt: string;
    };
    const lateBy = Date.parse(firstPublishedAt) - dueAt;
    expect(lateBy).toBeGreaterThanOrEqual(0);
    expect(lateBy).toBeLessThan(lateByAtMostMs);
    expect(await (await fetch(`${site}/publicaties`)).text()).toContain(title);
    const feed = await (await fetch(`${site}/publicaties/feed.xml`)).text();
    expect(feed).toContain(title);
    // The hostile summary is text in the feed (the page shows the body, tested in reports.test.ts).
    expect(feed).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(feed).not.toMatch(active);

    // The announcement: one mail to each publicaties subscriber, sent at or after the report's time.
    const announcements = () => journal().filter((mail) => mail.tags[mailingTag] === report.announcementId);
    const mailing = async () =>
      (await (
        await fetch(`${site}/api/organiser/mailings/${report.announcementId}`, { headers: organiser })
      ).json()) as { status: string; sending?: { deliveries: number } };
    await eventually(async () => (await mailing()).status === 'sent', 30_000, 'the announcement to be sent');
    const recipientsOf = () => announcements().map((mail) => mail.destination.to[0] ?? '');
    for (const email of emails) expect(recipientsOf().filter((to) => to === email)).toHaveLength(1);
    expect(recipientsOf()).not.toContain(other);
    expect(new Set(recipientsOf()).size).toBe(recipientsOf().length);
    expect(Math.min(...announcements().map((mail) => mail.at))).toBeGreaterThanOrEqual(dueAt);
    expect(announcements()[0]?.subject).toBe(`Nieuwe publicatie: ${title}`);
    // The mails as delivered quote the summary as text: nothing in them runs or loads.
    for (const mail of announcements()) {
      expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.html).not.toMatch(active);
      expect(mail.text).toContain('<script>alert(1)</script>');
    }

    // The schedule fires a second time (at least once): due again with the same input, fired and deleted by
    // the running scheduler; it publishes and sends nothing. Wait for SES's delivery events first, so the
    // views compared can only change by the second firing.
    const sent = announcements().length;
    await eventually(
      async () => (await mailing()).sending?.deliveries === sent,
      30_000,
      'every delivery to be counted',
    );
    const reportBefore = await (await api(`/${report.reportId}`)).json();
    const mailingBefore = await mailing();
    await withTable(settings, (documents) =>
      new TableScheduler(documents, localTableName).scheduleOnce(name, new Date(), job),
    );
    await eventually(
      async () =>
        (await withTable(settings, (documents) =>
          new TableScheduler(documents, localTableName).find(name),
        )) === undefined,
      10_000,
      'the second firing to run',
    );
    await delay(2_000);
    expect(announcements()).toHaveLength(sent);
    expect(await (await api(`/${report.reportId}`)).json()).toEqual(reportBefore);
    expect(await mailing()).toEqual(mailingBefore);
    expect(started.output()).not.toMatch(/Scheduler: .*failed|Mailing sender failed|\n\s+at /);
    await stopWithSigterm(started, settings);
  }, 180_000);
});
