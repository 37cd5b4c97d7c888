import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signRs256 } from '../../local/auth/jwt';
import {
  apiGatewayClaimValue,
  createOrganiserAuth,
  localClientId,
  localIssuer,
} from '../../local/auth/organiser-auth';
import { createSigningKey, loadOrCreateSigningKey, signingKeyFile } from '../../local/auth/signing-key';

const key = createSigningKey();
const now = new Date('2027-03-28T00:30:00Z');
const auth = createOrganiserAuth(key, { now: () => now });
const nowSeconds = Math.floor(now.getTime() / 1000);

/** A token with exactly these claims, signed with the trusted key. */
const tokenWith = (claims: Record<string, unknown>): string =>
  signRs256(
    { iss: localIssuer, aud: localClientId, iat: nowSeconds, exp: nowSeconds + 60, ...claims },
    key.privateKey,
    key.keyId,
  );

const reasonFor = (header: string | undefined): string | undefined => {
  const decision = auth.check(header);
  return decision.allowed ? undefined : decision.reason;
};

describe('the local JWT authorizer', () => {
  it('accepts a fresh organiser token and renders its claims as API Gateway does', () => {
    const token = auth.signOrganiserToken({ groups: ['organisers', 'admins'], issuedAt: now });

    const claims = auth.authorize(`Bearer ${token}`);

    expect(claims).toMatchObject({
      'cognito:groups': '[organisers admins]',
      email: 'dilly.timmer@example.org',
      name: 'Dilly Timmer',
      email_verified: 'true',
      token_use: 'id',
      iss: localIssuer,
      aud: localClientId,
      iat: String(nowSeconds),
      exp: String(nowSeconds + 12 * 3600),
    });
    expect(claims?.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives one person the same subject in every token and leaves out groups for a user in none', () => {
    const first = auth.authorize(
      auth.signOrganiserToken({ groups: [], email: 'sam.de.wit@example.org', issuedAt: now }),
    );
    const second = auth.authorize(
      auth.signOrganiserToken({ groups: [], email: 'sam.de.wit@example.org', issuedAt: now }),
    );

    expect(first?.sub).toBe(second?.sub);
    expect(first).not.toHaveProperty('cognito:groups');
    expect(first).not.toHaveProperty('name');
  });

  it.each([
    ['no header', undefined, 'no token'],
    ['an empty bearer', 'Bearer ', 'no token'],
    ['garbage', 'Bearer abc', 'not a compact JWS'],
    ['an expired token', tokenWith({ exp: nowSeconds }), 'expired'],
    ['a token without exp', tokenWith({ exp: undefined }), 'expired'],
    [
      'a token from another issuer',
      tokenWith({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/x' }),
      'wrong issuer',
    ],
    ['a token for another client', tokenWith({ aud: 'someone-else' }), 'wrong audience'],
    ['a token not valid before later', tokenWith({ nbf: nowSeconds + 10 }), 'not yet valid (nbf)'],
    ['a token issued in the future', tokenWith({ iat: nowSeconds + 10 }), 'issued in the future (iat)'],
  ])('refuses %s', (_, header, reason) => {
    expect(reasonFor(header)).toBe(reason);
    expect(auth.authorize(header)).toBeNull();
  });

  it('refuses a token signed with another key, another kid or another algorithm', () => {
    const other = createSigningKey();
    const foreign = signRs256(
      { iss: localIssuer, aud: localClientId, exp: nowSeconds + 60 },
      other.privateKey,
      key.keyId,
    );
    const [, payload, signature] = tokenWith({}).split('.');
    const hs256 = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: key.keyId })).toString('base64url')}.${payload}.${signature}`;
    const otherKid = signRs256(
      { iss: localIssuer, aud: localClientId, exp: nowSeconds + 60 },
      key.privateKey,
      'other',
    );

    expect(reasonFor(foreign)).toBe('bad signature');
    expect(reasonFor(hs256)).toBe('algorithm HS256 is not accepted');
    expect(reasonFor(otherKid)).toBe('unknown kid');
  });

  it('checks client_id when the token has no aud, as for Cognito access tokens', () => {
    expect(reasonFor(tokenWith({ aud: undefined, client_id: localClientId }))).toBeUndefined();
    expect(reasonFor(tokenWith({ aud: undefined, client_id: 'someone-else' }))).toBe('wrong audience');
    expect(reasonFor(tokenWith({ aud: ['x', localClientId] }))).toBeUndefined();
  });

  it('renders claim values the way API Gateway prints them', () => {
    expect(apiGatewayClaimValue(['organisers'])).toBe('[organisers]');
    expect(apiGatewayClaimValue([])).toBe('[]');
    expect(apiGatewayClaimValue(1712345678)).toBe('1712345678');
    expect(apiGatewayClaimValue(false)).toBe('false');
    expect(apiGatewayClaimValue({ b: 1, a: 'x' })).toBe('map[a:x b:1]');
  });
});

describe('the persisted signing key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dropin-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is created once, readable by its owner only, and signs tokens a later process accepts', () => {
    const first = loadOrCreateSigningKey(dataDir);
    const token = createOrganiserAuth(first).signOrganiserToken({ groups: ['organisers'] });

    const second = loadOrCreateSigningKey(dataDir);

    expect(second.keyId).toBe(first.keyId);
    expect(createOrganiserAuth(second).authorize(`Bearer ${token}`)).not.toBeNull();
    expect(statSync(signingKeyFile(dataDir)).mode & 0o077).toBe(0);
  });
});
