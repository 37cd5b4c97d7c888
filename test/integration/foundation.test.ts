import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailHeader } from '../../local/engines/ses-emulator';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

const problemOf = async (response: Response) => {
  expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  return (await response.json()) as { type: string; status: number; detail?: string; errors?: unknown[] };
};

const testMail = (init: RequestInit, token?: Parameters<TestSystem['fetchAsOrganiser']>[2]) =>
  system.fetchAsOrganiser('/api/organiser/test-mail', { method: 'POST', ...init }, token);

describe('pages through the local API', () => {
  it('serves the Dutch home page with its security headers', async () => {
    const response = await system.fetch('/');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'.*style-src 'sha256-/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await response.text();
    expect(body).toContain('<html lang="nl">');
    expect(body).toContain('Drop In');
  });

  it('answers an unknown page with the Dutch 404 page and an unknown API path with problem+json', async () => {
    const pageResponse = await system.fetch('/bestaat-niet?token=geheim');
    expect(pageResponse.status).toBe(404);
    const page = await pageResponse.text();
    expect(page).toContain('Pagina niet gevonden');
    expect(page).not.toContain('geheim');

    const apiResponse = await system.fetch('/api/bestaat-niet', { method: 'POST' });
    expect(apiResponse.status).toBe(404);
    expect(await problemOf(apiResponse)).toMatchObject({ type: 'urn:dropin:problem:not-found', status: 404 });
  });
});

describe('the error edge on a JSON route', () => {
  it('answers malformed JSON with 400 problem+json', async () => {
    const response = await testMail({ headers: { 'content-type': 'application/json' }, body: '{"subject":' });

    expect(response.status).toBe(400);
    expect((await problemOf(response)).type).toBe('urn:dropin:problem:malformed-body');
  });

  it('answers a wrong content type with 415', async () => {
    const response = await testMail({
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ subject: 'x', body: 'y' }),
    });

    expect(response.status).toBe(415);
    expect((await problemOf(response)).type).toBe('urn:dropin:problem:unsupported-media-type');
  });

  it('answers an oversized body with 413, also when API Gateway base64-encodes it', async () => {
    const big = JSON.stringify({ subject: 'x', body: 'y'.repeat(100 * 1024) });
    for (const contentType of ['application/json', 'application/octet-stream']) {
      const response = await testMail({ headers: { 'content-type': contentType }, body: big });

      expect(response.status, contentType).toBe(413);
      expect((await problemOf(response)).type).toBe('urn:dropin:problem:payload-too-large');
    }
  });

  it('answers an invalid body with a message per field and sends nothing', async () => {
    const email = `invalid-${Date.now()}@example.org`;
    const response = await testMail(
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'a\r\nBcc: x', body: '' }),
      },
      { email },
    );

    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([
      { field: 'subject', message: expect.any(String) },
      { field: 'body', message: expect.any(String) },
    ]);
    expect(await system.mailbox.to(email)).toEqual([]);
  });
});

describe('organiser routes', () => {
  it('answer 401 with API Gateway’s own body without a token or with a forged one', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${system.signOrganiserToken()}x`]) {
      const response = await system.fetch('/api/organiser/me', {
        headers: authorization ? { authorization } : {},
      });

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('answer 403 to a valid token without an organiser group', async () => {
    const response = await system.fetchAsOrganiser('/api/organiser/me', {}, { groups: [] });

    expect(response.status).toBe(403);
    expect((await problemOf(response)).type).toBe('urn:dropin:problem:not-permitted');
  });

  it('give an organiser their identity and groups', async () => {
    const response = await system.fetchAsOrganiser(
      '/api/organiser/me',
      {},
      {
        email: 'dilly.timmer@example.org',
        groups: ['organisers', 'admins'],
      },
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({
      email: 'dilly.timmer@example.org',
      groups: ['organisers', 'admins'],
      isAdmin: true,
    });
  });

  it('send a test mail in the house template to the organiser only', async () => {
    const email = `organiser-${Date.now()}@example.org`;
    const since = new Date(Date.now() - 1000);

    const response = await testMail(
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: 'Nieuwsbrief december',
          body: 'Eerste alinea.\n\nTweede alinea é ë ï.',
        }),
      },
      { email, name: 'Dilly Timmer' },
    );

    expect(response.status).toBe(202);
    const mail = await system.mailbox.waitFor((m) => m.destination.to.includes(email), { since });
    expect(mail.destination.to).toEqual([email]);
    expect(mail.from).toContain('Drop In');
    expect(mail.subject).toBe('[Test] Nieuwsbrief december');
    expect(mail.body.html).toContain('<html lang="nl">');
    expect(mail.body.html).toContain('Beste Dilly Timmer,');
    expect(mail.body.text).toContain('Tweede alinea é ë ï.');
    expect(mail.body.html).toContain(`href="${system.baseUrl}"`);
    expect(mailHeader(mail, 'List-Unsubscribe')).toBeUndefined();
  });
});
