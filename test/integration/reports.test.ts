import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMailingStore } from '../../functions/adapters/dynamo/mailing-store';
import { DynamoMeetingLifecycle } from '../../functions/adapters/dynamo/meeting-lifecycle';
import { DynamoReportStore } from '../../functions/adapters/dynamo/report-store';
import { StaleMailing } from '../../functions/core/mailings/mailing';
import type { Report } from '../../functions/core/reports/report';
import { createLambdaContext } from '../../local/http/lambda-context';
import { seedMeetings } from '../../local/seed/meetings';
import { seedReports } from '../../local/seed/reports';
import { feedTestsEnabled, parseFeed } from '../support/feedparser';
import { jsonRequest } from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Reports through the local HTTP API, against DynamoDB Local: an organiser writes, publishes, renames and
 * takes offline; the archive, the page, the JSON and the Atom feed follow.
 */

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ logLevel: 'ERROR' });
});
afterAll(() => system?.stop());

const run = randomUUID().slice(0, 8);
const hostileBody = [
  '## Resultaten',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<iframe src="https://example.org"></iframe>',
  '[klik](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [goed](https://example.org/rapport)',
].join('\n\n');

const create = async (overrides: Record<string, unknown> = {}) => {
  const response = await system.fetchAsOrganiser(
    '/api/organiser/reports',
    jsonRequest('POST', {
      title: `Tussentijdse resultaten ${run} & <meer> 🚀`,
      kind: 'tussentijdse-resultaten',
      summary: 'Wat de drie werkplaatsen tot nu toe vonden.',
      body: hostileBody,
      publishedOn: '2025-10-01',
      ...overrides,
    }),
  );
  return {
    response,
    body: (await response.json()) as Record<string, unknown> & { reportId: string; slug: string },
  };
};

const action = (id: string, name: string, headers: Record<string, string> = {}) =>
  system.fetchAsOrganiser(`/api/organiser/reports/${id}/${name}`, { method: 'POST', headers });

describe('reports through the API and the site', () => {
  it('are written as drafts, published, listed, shown inert, and in the feed', async () => {
    const { response, body: report } = await create();
    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(report).toMatchObject({ status: 'draft', slug: `tussentijdse-resultaten-${run}-en-meer` });

    // A draft is nowhere public; its organiser sees the page it will be.
    expect((await system.fetch(`/publicaties/${report.slug}`)).status).toBe(404);
    const preview = await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}/preview`);
    const previewed = (await preview.json()) as { page: string; html: string };
    expect(preview.status).toBe(200);
    expect(previewed.page).toBe(`/publicaties/${report.slug}`);
    expect(previewed.html).toContain(`<h1>Tussentijdse resultaten ${run} &#38; &#60;meer&#62; 🚀</h1>`);
    expect((await system.fetchAsOrganiser('/api/organiser/reports/onbekend/preview')).status).toBe(404);

    const published = await action(report.reportId, 'publish', { 'if-match': '"1"' });
    expect(published.status).toBe(200);
    expect(published.headers.get('etag')).toBe('"2"');

    const page = await system.fetch(`/publicaties/${report.slug}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    // The preview was the page, exactly.
    expect(html).toBe(previewed.html);
    expect(html).toContain(`<h1>Tussentijdse resultaten ${run} &#38; &#60;meer&#62; 🚀</h1>`);
    expect(html).toContain('<a href="https://example.org/rapport" rel="noopener noreferrer">goed</a>');
    // Organiser content renders inert: no script, no event attribute, no frame, no javascript: or data: link.
    // Every tag in the article is an allowed one with at most a safe link: the rest is text.
    const article = html.slice(html.indexOf('<article>'), html.indexOf('</article>'));
    const tags = [...article.matchAll(/<([a-z][a-z0-9]*)([^>]*)>/gi)].map(([, name, attributes]) => ({
      name,
      attributes: attributes?.trim(),
    }));
    expect(tags.map((tag) => tag.name)).toEqual(['article', 'h2', 'p', 'p', 'p', 'a', 'p', 'a']);
    for (const { attributes } of tags) {
      expect(attributes).toMatch(/^(|href="https:\/\/[^"]+" rel="noopener noreferrer")$/);
    }
    expect(article).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    const archive = await (await system.fetch('/publicaties?soort=tussentijdse-resultaten')).text();
    expect(archive).toContain(`/publicaties/${report.slug}`);
    const otherKind = await (await system.fetch('/publicaties?soort=jaarupdate')).text();
    expect(otherKind).not.toContain(`/publicaties/${report.slug}`);

    const api = (await (await system.fetch('/api/reports')).json()) as { items: { reportId: string }[] };
    expect(api.items.map((item) => item.reportId)).toContain(report.reportId);

    const feed = await system.fetch('/publicaties/feed.xml');
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await feed.text();
    expect(xml).toContain(`/publicaties/${report.slug}`);
    if (feedTestsEnabled) {
      const parsed = parseFeed(xml);
      expect(parsed.bozo).toBe(false);
      expect(parsed.entries.find((entry) => entry.link.endsWith(report.slug))?.title).toBe(
        `Tussentijdse resultaten ${run} & <meer> 🚀`,
      );
    }
  });

  it('keep their feed id and their old address (301) when renamed; offline again they are 404', async () => {
    const { body: report } = await create({ title: `Verslag ${run}`, kind: 'verslag-bijeenkomst' });
    await action(report.reportId, 'publish');
    const before = await (await system.fetch('/publicaties/feed.xml')).text();
    const idLine = before
      .split('\n')
      .find((line, i, lines) => line.startsWith('<id>') && lines[i + 2]?.includes(report.slug));
    expect(idLine).toMatch(new RegExp(`^<id>tag:localhost,2025:report/${report.reportId}</id>$`));

    const renamed = await system.fetchAsOrganiser(
      `/api/organiser/reports/${report.reportId}`,
      jsonRequest(
        'PATCH',
        { slug: `verslag-${run}-utrecht`, title: `Verslag ${run} Utrecht` },
        { 'if-match': '"2"' },
      ),
    );
    expect(renamed.status).toBe(200);

    const old = await system.fetch(`/publicaties/${report.slug}`);
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe(`/publicaties/verslag-${run}-utrecht`);
    const after = await (await system.fetch('/publicaties/feed.xml')).text();
    expect(after).toContain(idLine);
    expect(after).toContain(`Verslag ${run} Utrecht`);

    expect((await action(report.reportId, 'unpublish')).status).toBe(200);
    expect((await system.fetch(`/publicaties/verslag-${run}-utrecht`)).status).toBe(404);
    expect((await system.fetch(`/publicaties/${report.slug}`)).status).toBe(404);
  });

  it('announce themselves once: the draft made with the report starts with its publication, inert, and never again', async () => {
    const { body: report } = await create({
      title: `Resultaten ${run} <script>alert(1)</script>`,
      summary:
        'Zie [dit](javascript:alert(1)) en <iframe src="https://example.org"></iframe> <img src=x onerror=alert(1)>',
    });
    const mailingId = String(report.announcementId);
    const mailing = async () =>
      (await (await system.fetchAsOrganiser(`/api/organiser/mailings/${mailingId}`)).json()) as {
        status: string;
        announcesReport: string;
        audience: unknown;
      };
    expect(await mailing()).toMatchObject({
      status: 'draft',
      announcesReport: report.reportId,
      audience: { topics: ['publicaties'] },
    });
    // The mail quotes the title and summary as text: nothing in it runs or links anywhere but the report.
    const preview = (await (
      await system.fetchAsOrganiser(`/api/organiser/mailings/${mailingId}/preview`)
    ).json()) as { html: string; text: string; subject: string };
    expect(preview.subject).toBe(`Nieuwe publicatie: Resultaten ${run} <script>alert(1)</script>`);
    expect(preview.html).not.toMatch(/<script|<iframe|<img|<[^>]*\son\w+=|href="javascript|href="data/i);
    expect(preview.html).toContain('onerror=alert(1)&gt;');
    expect(preview.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview.html).toContain(`href="${system.baseUrl}/publicaties/${report.slug}"`);
    // It does not go on its own.
    const own = await system.fetchAsOrganiser(`/api/organiser/mailings/${mailingId}/send`, {
      method: 'POST',
    });
    expect(own.status).toBe(409);
    expect(await own.json()).toMatchObject({ detail: expect.stringContaining('aankondiging') });
    expect((await mailing()).status).toBe('draft');

    // Publishing starts it; publishing again is a 409, and offline and online again sends nothing more.
    expect((await action(report.reportId, 'publish')).status).toBe(200);
    expect((await mailing()).status).not.toBe('draft');
    expect((await action(report.reportId, 'publish')).status).toBe(409);
    expect((await action(report.reportId, 'unpublish')).status).toBe(200);
    const statusBefore = (await mailing()).status;
    expect((await action(report.reportId, 'publish')).status).toBe(200);
    expect((await mailing()).status).toBe(statusBefore);
  });

  it('fired by their schedule twice at once, go online once and start their announcement once', async () => {
    const { body: report } = await create({ title: `Tweemaal gevuurd ${run}` });
    const at = new Date(Date.now() + 10 * 60_000);
    const scheduled = await system.fetchAsOrganiser(
      `/api/organiser/reports/${report.reportId}/schedule`,
      jsonRequest('POST', { at: at.toISOString() }),
    );
    expect(scheduled.status).toBe(200);
    const { scheduledAt } = (await scheduled.json()) as { scheduledAt: string };
    // The function is imported after the system set the environment it reads.
    const { handler } = await import('../../functions/handlers/scheduled-job');
    const fire = async () =>
      (
        (await handler(
          { kind: 'report-publish', reportId: report.reportId, scheduledAt },
          createLambdaContext('meetingReminders', 'eu-west-1') as Context,
        )) as { outcome: string }
      ).outcome;
    const mailingOf = async () =>
      (await (
        await system.fetchAsOrganiser(`/api/organiser/mailings/${String(report.announcementId)}`)
      ).json()) as { status: string; version: number };
    const draft = await mailingOf();
    expect(draft.status).toBe('draft');

    expect((await Promise.all([fire(), fire()])).sort()).toEqual(['ignored', 'published']);
    const published = (await (
      await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}`)
    ).json()) as { status: string; version: number };
    expect(published.status).toBe('published');
    // One move of the report (schedule, then publish), and its announcement from draft to sending.
    expect(published.version).toBe(Number(report.version) + 2);
    const sending = await mailingOf();
    expect(sending).toMatchObject({ status: 'sending', version: draft.version });
    // A third firing, later, changes nothing either.
    expect(await fire()).toBe('ignored');
    expect(await mailingOf()).toEqual(sending);
  });

  it('publish and start their announcement in one write: a stale announcement leaves the report as it was', async () => {
    const { body: created } = await create({ title: `Atomair ${run}` });
    const store = new DynamoReportStore(system.documentClient, system.tableName);
    const mailings = new DynamoMailingStore(system.documentClient, system.tableName);
    const report = (await store.get(created.reportId)) as Report;
    const announcement = await mailings.get(String(report.announcementId));
    if (!announcement) throw new Error('no announcement');
    const publish = () =>
      store.replace(
        report,
        { ...report, status: 'published', version: report.version + 1 },
        {
          previous: announcement.mailing,
          next: { ...announcement, mailing: { ...announcement.mailing, status: 'sending' } },
        },
      );
    // Someone edits the announcement in between: the write names what it read, and fails as a whole.
    await mailings.replace(announcement.mailing, {
      ...announcement,
      mailing: { ...announcement.mailing, version: announcement.mailing.version + 1 },
    });
    await expect(publish()).rejects.toBeInstanceOf(StaleMailing);
    expect(await store.get(report.reportId)).toMatchObject({ status: 'draft', version: report.version });

    // The control: on the announcement as it is now, the same write goes through, both items at once.
    const current = await mailings.get(String(report.announcementId));
    if (!current) throw new Error('no announcement');
    await store.replace(
      report,
      { ...report, status: 'published', version: report.version + 1 },
      {
        previous: current.mailing,
        next: { ...current, mailing: { ...current.mailing, status: 'sending' } },
      },
    );
    expect((await store.get(report.reportId))?.status).toBe('published');
    expect((await mailings.get(String(report.announcementId)))?.mailing.status).toBe('sending');
  });

  it('refuse bad input with a problem and write nothing', async () => {
    const { body: report } = await create({ title: `Publicatie ${run}`, kind: 'publicatie' });
    const problemOf = async (response: Response) => ({
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as { type: string; detail?: string },
    });

    // The same title again is the same address: taken.
    const sameAddress = await create({ title: `Publicatie ${run}`, kind: 'publicatie' });
    expect(sameAddress.response.status).toBe(409);
    expect(sameAddress.body).toMatchObject({ type: 'urn:dropin:problem:slug-taken' });

    const controlCharacter = await create({ title: `Kapot \u0001 ${run}` });
    expect(controlCharacter.response.status).toBe(400);
    const badDate = await create({ title: `Datum ${run}`, publishedOn: '2025-02-30' });
    expect(badDate.response.status).toBe(400);
    expect(JSON.stringify(badDate.body)).toContain('publishedOn');

    const stale = await system.fetchAsOrganiser(
      `/api/organiser/reports/${report.reportId}`,
      jsonRequest('PATCH', { title: 'Te laat' }, { 'if-match': '"9"' }),
    );
    expect(await problemOf(stale)).toMatchObject({
      status: 412,
      type: 'application/problem+json; charset=utf-8',
    });
    const unconditional = await system.fetchAsOrganiser(
      `/api/organiser/reports/${report.reportId}`,
      jsonRequest('PATCH', { title: 'Zonder If-Match' }),
    );
    expect(unconditional.status).toBe(428);
    const twice = await action(report.reportId, 'unpublish');
    expect(await problemOf(twice)).toMatchObject({
      status: 409,
      body: { detail: expect.stringContaining('concept') },
    });

    const unchanged = await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}`);
    expect(await unchanged.json()).toMatchObject({ title: `Publicatie ${run}`, version: 1, status: 'draft' });
    expect((await system.fetch('/api/organiser/reports')).status).toBe(401);
  });

  it('page one kind full: the filter reads on until the page is full, and the cursor goes on from there', async () => {
    const store = new DynamoReportStore(system.documentClient, system.tableName);
    const at = '2026-01-01T00:00:00.000Z';
    const report = (n: number, kind: Report['kind']): Report => ({
      reportId: `${run}-${kind}-${n}`,
      slug: `paging-${run}-${kind}-${n}`,
      title: `Paging ${n}`,
      kind,
      summary: 'Samenvatting',
      body: 'Tekst',
      bodyHtml: '<p>Tekst</p>',
      // Interleaved dates, far in the future so these come first: a jaarupdate, then two publications, …
      publishedOn: `2099-0${Math.floor(n / 2) + 1}-${kind === 'jaarupdate' ? '20' : `1${n % 2}`}`,
      visibility: 'public',
      status: 'published',
      version: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: 'test',
    });
    for (let n = 0; n < 5; n++) {
      await store.create(report(n, 'jaarupdate'));
      await store.create(report(n, 'publicatie'));
      await store.create(report(n + 5, 'publicatie'));
    }

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({
        status: 'published',
        kind: 'jaarupdate',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.items.map((item) => item.reportId));
      expect(page.items.every((item) => item.kind === 'jaarupdate')).toBe(true);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages.length < 10);

    const mine = pages.flat().filter((id) => id.startsWith(run));
    expect(mine).toEqual([4, 3, 2, 1, 0].map((n) => `${run}-jaarupdate-${n}`));
    // Every page but the last is full, though two of every three reports read are of another kind.
    expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);

    // Bad archive input is a Dutch 400 page or a problem, never a 500.
    expect((await system.fetch('/publicaties?soort=roman')).status).toBe(400);
    const emptyCursor = await system.fetch('/api/reports?cursor=');
    expect(emptyCursor.status).toBe(400);
    expect(emptyCursor.headers.get('content-type')).toContain('application/problem+json');
    expect((await system.fetch(`/publicaties/${'a'.repeat(3000)}`)).status).toBe(404);
  });

  it('show on the past meetings page, each meeting with its reports, the latest meeting first', async () => {
    await seedMeetings(new DynamoMeetingLifecycle(system.documentClient, system.tableName), new Date());
    await seedReports(new DynamoReportStore(system.documentClient, system.tableName));

    const response = await system.fetch('/bijeenkomsten/eerder');
    const html = await response.text();

    expect(response.status).toBe(200);
    const cities = [...html.matchAll(/<p>[^<]*· ([A-Za-z ]+)<\/p>/g)].map(([, city]) => city);
    expect(cities.slice(0, 5)).toEqual(['Bergen op Zoom', 'Amsterdam', 'Dordrecht', 'Nijmegen', 'Utrecht']);
    const bergen = html.slice(html.indexOf('Bergen op Zoom'), html.indexOf('Amsterdam'));
    expect(bergen).toContain(
      '<a href="/publicaties/verslag-kennisnetwerk-bergen-op-zoom-2024">Verslag: Landelijk Kennisnetwerk in Bergen op Zoom</a> (op aanvraag)',
    );
    // The control: a meeting without a report lists none.
    expect(html.slice(html.indexOf('Amsterdam'), html.indexOf('Dordrecht'))).not.toContain('/publicaties/');
    // Upcoming meetings are not past ones.
    expect(html).not.toContain('kennisnetwerk-groningen-halt');
    expect(await (await system.fetch('/bijeenkomsten')).text()).toContain('href="/bijeenkomsten/eerder"');
  });
});
