import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system';

/** Drafting mailings through the organiser API, against DynamoDB Local (issue 11, the drafts). */
let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ outboxRelay: false, scheduleRunner: false, outboxSweeper: false });
});
afterAll(() => system?.stop());

const api = (path: string, init: RequestInit = {}, token = {}) =>
  system.fetchAsOrganiser(`/api/organiser/mailings${path}`, init, token);
const post = (body: unknown) =>
  api('', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const patch = (id: string, body: unknown, etag?: string) =>
  api(`/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...(etag ? { 'if-match': etag } : {}) },
    body: JSON.stringify(body),
  });

const draft = {
  subject: 'Nieuws van Drop In: de jaarupdate 2024',
  preheader: 'Wat we leerden in vijf steden',
  body: '# Jaarupdate\n\nIn 2024 kwam het **kennisnetwerk** vijf keer samen.\n\n- Utrecht\n- Nijmegen\n\n[Lees verder](https://dropin.example.org/publicaties)',
  audience: { topics: ['nieuwsbrief', 'publicaties'] },
};

describe('a mailing draft', () => {
  it('is created, read, changed at the version read, and deleted', async () => {
    const created = await post(draft);
    expect(created.status).toBe(201);
    const body = (await created.json()) as {
      mailingId: string;
      status: string;
      version: number;
      author: unknown;
    };
    expect(body).toMatchObject({ status: 'draft', version: 1, subject: draft.subject });
    expect(body.author).toMatchObject({ email: 'dilly.timmer@example.org' });
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/api/organiser/mailings/${body.mailingId}`);

    const read = await api(`/${body.mailingId}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ body: draft.body, statusLabel: 'concept', testSends: [] });

    expect((await patch(body.mailingId, { subject: 'Nieuw' })).status).toBe(428);
    expect((await patch(body.mailingId, { subject: 'Nieuw' }, '"7"')).status).toBe(412);
    const changed = await patch(body.mailingId, { subject: 'Jaarupdate 2024' }, '"1"');
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ subject: 'Jaarupdate 2024', version: 2, body: draft.body });
    expect(changed.headers.get('etag')).toBe('"2"');

    expect(
      (await api(`/${body.mailingId}`, { method: 'DELETE', headers: { 'if-match': '"1"' } })).status,
    ).toBe(412);
    expect(
      (await api(`/${body.mailingId}`, { method: 'DELETE', headers: { 'if-match': '"2"' } })).status,
    ).toBe(204);
    expect((await api(`/${body.mailingId}`)).status).toBe(404);
  });

  it('refuses bad content with a 400 that names each field, and writes nothing', async () => {
    const before = ((await (await api('?limit=100')).json()) as { items: unknown[] }).items.length;
    const cases: Array<[unknown, string]> = [
      [{ ...draft, subject: '' }, 'subject'],
      [{ ...draft, body: '   ' }, 'body'],
      [{ ...draft, audience: {} }, 'audience'],
      [{ ...draft, audience: { topics: ['sport'] } }, 'audience.topics'],
      [{ ...draft, audience: { meeting: 'bestaat-niet', registrations: 'confirmed' } }, 'audience.meeting'],
      [{ ...draft, audience: { meeting: 'x' } }, 'audience.registrations'],
      [{ ...draft, extra: true }, '(body)'],
    ];
    for (const [input, field] of cases) {
      const answer = await post(input);
      expect(answer.status, field).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await answer.json()) as { errors?: { field: string }[] };
      expect(
        problem.errors?.map((issue) => issue.field),
        field,
      ).toContain(field);
    }
    const after = ((await (await api('?limit=100')).json()) as { items: unknown[] }).items.length;
    expect(after).toBe(before);
  });

  it('stores the Markdown rendered once, inert whatever the organiser typed', async () => {
    const created = await post({
      ...draft,
      body: 'Hallo <script>alert(1)</script> [klik](javascript:alert(1))',
    });
    expect(created.status).toBe(201);
    const { mailingId } = (await created.json()) as { mailingId: string };
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { keys } = await import('../../functions/adapters/dynamo/table-design');
    const { Item } = await system.documentClient.send(
      new GetCommand({ TableName: system.tableName, Key: keys.mailing(mailingId) }),
    );
    const rendered = Item?.rendered as { html: string; text: string };
    expect(rendered.html).toContain('Hallo');
    expect(rendered.html).not.toMatch(/<script|href="javascript:/i);
    expect(rendered.text).toContain('Hallo');
  });

  it('lists mailings newest first, a page at a time, for any organiser', async () => {
    for (const n of [1, 2, 3]) expect((await post({ ...draft, subject: `Lijst ${n}` })).status).toBe(201);
    const first = (await (await api('?limit=2')).json()) as {
      items: { subject: string }[];
      nextCursor: string;
    };
    expect(first.items.map((item) => item.subject)).toEqual(['Lijst 3', 'Lijst 2']);
    const second = (await (
      await api(`?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, {}, { email: 'anouk@example.org' })
    ).json()) as { items: { subject: string }[] };
    expect(second.items[0]?.subject).toBe('Lijst 1');
    expect((await api('?cursor=rommel')).status).toBe(400);
  });

  it('is for organisers only', async () => {
    expect((await system.fetch('/api/organiser/mailings')).status).toBe(401);
    expect((await api('', {}, { groups: [] })).status).toBe(403);
  });
});
