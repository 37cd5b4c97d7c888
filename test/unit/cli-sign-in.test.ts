import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSession, login, savedSession, saveSession, sessionsFile } from '../../bin/drop-in/cognito';
import { NotSignedIn } from '../../bin/drop-in/exit-codes';

/**
 * `drop-in login` against a stand-in for Cognito's OAuth endpoints that checks what Cognito checks: the
 * PKCE verifier against the challenge (S256), the redirect address against the one authorised, the client.
 * Tokens are unsigned JWT-shaped strings: only their `exp` matters to the CLI.
 */
const clientId = 'dropin-cli-test';
const idToken = (exp: number, n: number) =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp, n })).toString('base64url')}.`;

let server: Server;
let domain: string;
const codes = new Map<string, { challenge: string; redirectUri: string }>();
const refreshTokens = new Set<string>();
let issued = 0;
const nextExpiry = () => Math.floor(Date.now() / 1000) + 3600;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://cognito');
    if (url.pathname === '/oauth2/authorize') {
      const q = url.searchParams;
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(q.get('client_id')).toBe(clientId);
      const code = `code-${codes.size + 1}`;
      codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri') ?? '' });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('test-state') ?? q.get('state') ?? '');
      response.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/oauth2/token') {
      let text = '';
      for await (const chunk of request) text += chunk;
      const form = new URLSearchParams(text);
      const fail = (error: string) =>
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
      if (form.get('client_id') !== clientId) return fail('invalid_client');
      if (form.get('grant_type') === 'authorization_code') {
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const challenge = createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest('base64url');
        if (!grant || grant.challenge !== challenge || grant.redirectUri !== form.get('redirect_uri')) {
          return fail('invalid_grant');
        }
        const refresh = `refresh-${++issued}`;
        refreshTokens.add(refresh);
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id_token: idToken(nextExpiry(), issued), refresh_token: refresh }));
        return;
      }
      if (form.get('grant_type') === 'refresh_token') {
        if (!refreshTokens.has(form.get('refresh_token') ?? '')) return fail('invalid_grant');
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id_token: idToken(nextExpiry(), ++issued) }));
        return;
      }
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const configDir = mkdtempSync(path.join(tmpdir(), 'dropin-cli-config-'));
afterAll(() => rmSync(configDir, { recursive: true, force: true }));
const env = { DROPIN_CONFIG_DIR: configDir } as NodeJS.ProcessEnv;

/** The browser: follows the sign-in address to the loopback callback. */
const browse =
  (extra: Record<string, string> = {}) =>
  async (address: string) => {
    const url = new URL(address);
    for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
    await fetch(url);
  };

describe('drop-in login', () => {
  it('signs in with PKCE through the loopback address and keeps the session in a file only the user reads', async () => {
    const tokens = await login({ domain, clientId, port: 0, onAddress: browse() });
    expect(tokens.refreshToken).toMatch(/^refresh-/);
    // An older file others could read is replaced by one only the user can.
    mkdirSync(configDir, { recursive: true });
    writeFileSync(sessionsFile(env), '{}', { mode: 0o644 });
    chmodSync(sessionsFile(env), 0o644);
    saveSession('https://api.dropin.example.org', { domain, clientId, ...tokens }, env);
    expect(statSync(sessionsFile(env)).mode & 0o777).toBe(0o600);
    expect(savedSession('https://api.dropin.example.org', env)?.idToken).toBe(tokens.idToken);
  });

  it('has a stand-in that refuses a code with the wrong verifier (so the sign-in above proves PKCE)', async () => {
    const authorize = new URL('/oauth2/authorize', domain);
    authorize.search = new URLSearchParams({
      client_id: clientId,
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update('the-right-verifier').digest('base64url'),
      redirect_uri: 'http://localhost:9/callback',
      state: 's',
    }).toString();
    const code = new URL(
      (await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? '',
    ).searchParams.get('code');
    const exchange = await fetch(new URL('/oauth2/token', domain), {
      method: 'POST',
      body: new URLSearchParams({
        client_id: clientId,
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: 'http://localhost:9/callback',
        code_verifier: 'a-wrong-verifier',
      }),
    });
    expect(await exchange.json()).toEqual({ error: 'invalid_grant' });
  });

  it('refuses an answer that carries another state (the check can fail)', async () => {
    await expect(
      login({ domain, clientId, port: 0, onAddress: browse({ 'test-state': 'forged' }) }),
    ).rejects.toThrow(NotSignedIn);
  });

  it('refreshes the ID token when it runs out, and says to sign in again once the refresh token is revoked', async () => {
    const api = 'https://api.dropin.example.org';
    const before = savedSession(api, env);
    if (!before) throw new Error('signed in above');
    // Still an hour: no refresh.
    expect((await freshSession(api, env)).idToken).toBe(before.idToken);
    // Expired an hour ago, as after a long `mailings watch`.
    saveSession(api, { ...before, idTokenExpiresAt: Math.floor(Date.now() / 1000) - 3600 }, env);
    const refreshed = await freshSession(api, env);
    expect(refreshed.idToken).not.toBe(before.idToken);
    expect(refreshed.idTokenExpiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(savedSession(api, env)?.idToken).toBe(refreshed.idToken);

    refreshTokens.clear();
    saveSession(api, { ...refreshed, idTokenExpiresAt: 0 }, env);
    await expect(freshSession(api, env)).rejects.toThrow(/log opnieuw in met `drop-in login`/);
    await expect(freshSession('https://elders.example.org', env)).rejects.toThrow(/Niet ingelogd bij/);
  });
});
