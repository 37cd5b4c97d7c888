import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { PersonIds } from '../../functions/core/people/person-id';
import { startTestSystem, type TestSystem } from '../support/system';

/** Reviewing a mailing through the organiser API: preview, test-send and four-eyes approval (issue 11). */
let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ outboxRelay: false, scheduleRunner: false, outboxSweeper: false });
});
afterAll(() => system?.stop());

const anouk = { email: 'anouk@example.org', name: 'Anouk' };
const run = randomUUID().slice(0, 8);

const api = (path: string, init: RequestInit = {}, token = {}) =>
  system.fetchAsOrganiser(`/api/organiser/mailings${path}`, init, token);
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}, token = {}) =>
  api(
    path,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    token,
  );

const draft = {
  subject: 'Nieuws van Drop In: de jaarupdate',
  preheader: 'Wat we leerden in vijf steden',
  body: '# Jaarupdate\n\nHet **kennisnetwerk** kwam vijf keer samen.\n\n- Utrecht\n- Nijmegen',
  audience: { topics: ['nieuwsbrief', 'publicaties'] },
};

const create = async (): Promise<string> => {
  const created = await postJson('', draft);
  expect(created.status).toBe(201);
  return ((await created.json()) as { mailingId: string }).mailingId;
};

interface View {
  version: number;
  testSends: { to: string[]; version: number }[];
  approval?: { by: string; name?: string; version: number };
  fourEyes: { approvedForCurrentVersion: boolean; testSentToAuthor: boolean };
}

describe('the preview', () => {
  it('is the exact HTML and plain text a sample recipient gets, for any organiser', async () => {
    const id = await create();
    const answer = await api(`/${id}/preview`, {}, anouk);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"1"');
    const preview = (await answer.json()) as {
      subject: string;
      preheader: string;
      html: string;
      text: string;
    };
    expect(preview.subject).toBe(draft.subject);
    expect(preview.preheader).toBe(draft.preheader);
    expect(preview.html).toContain('<html lang="nl">');
    expect(preview.html).toContain('<strong>kennisnetwerk</strong>');
    expect(preview.html).toContain('Beste lezer,');
    expect(preview.html).toContain('/nieuwsbrief/voorkeuren"');
    expect(preview.html).not.toContain('token=');
    expect(preview.text).toContain('Het kennisnetwerk kwam vijf keer samen.');
    expect(preview.text).toContain('- Utrecht');
    expect(preview.text).toContain('Beste lezer,');
    expect(preview.text).toContain('Je ontvangt deze mail van Drop In omdat je bent aangemeld voor');
    expect(preview.text).not.toMatch(/<[a-z/]/i);
  });

  it('is 404 for an unknown mailing', async () => {
    expect((await api('/bestaat-niet/preview')).status).toBe(404);
  });
});

describe('a test-send', () => {
  it('sends one mail per address, marked [Test], and records it on the mailing', async () => {
    const id = await create();
    const to = [`een-${run}@example.org`, `twee-${run}@example.org`];
    const since = new Date(Date.now() - 1000);
    const answer = await postJson(`/${id}/test-send`, { to });
    expect(answer.status).toBe(200);
    const view = (await answer.json()) as View;
    expect(view.testSends).toEqual([expect.objectContaining({ to, version: 1 })]);
    expect(view.fourEyes).toEqual({ approvedForCurrentVersion: false, testSentToAuthor: false });
    for (const address of to) {
      const mails = await system.mailbox.to(address, since);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toBe(`[Test] ${draft.subject}`);
      expect(mails[0]?.body.html).toContain('<strong>kennisnetwerk</strong>');
      expect(mails[0]?.body.text).toContain('Het kennisnetwerk kwam vijf keer samen.');
    }
    const read = (await (await api(`/${id}`)).json()) as View;
    expect(read.testSends).toHaveLength(1);
  });

  it("goes to the caller's own address without `to`, and then counts as the author's", async () => {
    const id = await create();
    const since = new Date(Date.now() - 1000);
    const answer = await api(`/${id}/test-send`, { method: 'POST' });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as View).fourEyes.testSentToAuthor).toBe(true);
    const mails = (await system.mailbox.to('dilly.timmer@example.org', since)).filter((mail) =>
      mail.subject.startsWith('[Test] '),
    );
    expect(mails.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses six addresses with a 400 and sends nothing', async () => {
    const id = await create();
    const six = [1, 2, 3, 4, 5, 6].map((n) => `zes-${n}-${run}@example.org`);
    const answer = await postJson(`/${id}/test-send`, { to: six });
    expect(answer.status).toBe(400);
    const problem = (await answer.json()) as { errors?: { field: string }[] };
    expect(problem.errors?.map((issue) => issue.field)).toContain('to');
    for (const address of six) expect(await system.mailbox.to(address)).toEqual([]);
    expect(((await (await api(`/${id}`)).json()) as View).testSends).toEqual([]);
  });

  it('refuses a suppressed address with a 4xx that names it, and sends to nobody', async () => {
    const id = await create();
    const suppressed = `geblokkeerd-${run}@example.org`;
    const fine = `prima-${run}@example.org`;
    const personId = new PersonIds(process.env.TOKEN_SECRET ?? '').of(suppressed);
    await system.documentClient.send(
      new PutCommand({
        TableName: system.tableName,
        Item: { ...keys.suppression(personId), entity: 'Suppression', reason: 'complaint' },
      }),
    );
    const answer = await postJson(`/${id}/test-send`, { to: [fine, suppressed] });
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as { detail: string }).detail).toContain(suppressed);
    expect(await system.mailbox.to(fine)).toEqual([]);
    expect(await system.mailbox.to(suppressed)).toEqual([]);
  });

  it('is 404 for an unknown mailing', async () => {
    expect((await postJson('/bestaat-niet/test-send', { to: ['x@example.org'] })).status).toBe(404);
  });
});

describe('the four-eyes approval', () => {
  it('is refused to the author, binds to the version a second organiser saw, and an edit voids it', async () => {
    const id = await create();
    const approve = (etag: string | undefined, token = {}) =>
      api(`/${id}/approve`, { method: 'POST', headers: etag ? { 'if-match': etag } : {} }, token);

    const byAuthor = await approve('"1"');
    expect(byAuthor.status).toBe(403);
    expect(((await byAuthor.json()) as { detail: string }).detail).toContain(
      'Je kunt je eigen mailing niet goedkeuren',
    );
    expect((await approve(undefined, anouk)).status).toBe(428);
    expect((await approve('"2"', anouk)).status).toBe(412);

    const approved = await approve('"1"', anouk);
    expect(approved.status).toBe(200);
    const view = (await approved.json()) as View;
    expect(view.approval).toMatchObject({ name: 'Anouk', version: 1 });
    expect(view.fourEyes.approvedForCurrentVersion).toBe(true);

    const edited = await api(`/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'if-match': '"1"' },
      body: JSON.stringify({ subject: 'Jaarupdate, herzien' }),
    });
    expect(edited.status).toBe(200);
    const after = (await edited.json()) as View;
    expect(after.version).toBe(2);
    expect(after.approval).toMatchObject({ version: 1 });
    expect(after.fourEyes.approvedForCurrentVersion).toBe(false);
  });

  it('is 404 for an unknown mailing', async () => {
    const answer = await api(
      '/bestaat-niet/approve',
      { method: 'POST', headers: { 'if-match': '"1"' } },
      anouk,
    );
    expect(answer.status).toBe(404);
  });
});

describe('the review routes', () => {
  it('are for organisers only', async () => {
    const id = await create();
    for (const [method, path] of [
      ['GET', 'preview'],
      ['POST', 'test-send'],
      ['POST', 'approve'],
    ] as const) {
      expect((await system.fetch(`/api/organiser/mailings/${id}/${path}`, { method })).status, path).toBe(
        401,
      );
      expect((await api(`/${id}/${path}`, { method }, { groups: [] })).status, path).toBe(403);
    }
  });
});
