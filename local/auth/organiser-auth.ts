import { createHash, randomUUID } from 'node:crypto';
import { signRs256, verifyRs256 } from './jwt';
import type { OrganiserSigningKey } from './signing-key';

/**
 * The offline stand-in for Cognito (it issues ID tokens) and for API Gateway's JWT authorizer (it checks them
 * and hands the claims to the handler as API Gateway does). See docs/architecture.md, "Organisers".
 */

/** The `iss` of local tokens, shaped like a user pool's. Independent of ports, so tokens survive a port change. */
export const localIssuer = 'https://cognito-idp.localhost/eu-west-1_DropInLocal';
/** The `aud` of local ID tokens: the organiser console's app client id. */
export const localClientId = 'dropinlocalorganiserconsole';

/** Claims as API Gateway hands them to the handler: every value a string. */
export type ApiGatewayJwtClaims = Record<string, string>;

export interface OrganiserTokenRequest {
  /** Default: derived from the email, so tokens for one person carry one stable subject. */
  readonly sub?: string;
  /** Default `dilly.timmer@example.org`. */
  readonly email?: string;
  /** Default `Dilly Timmer` for the default email, none otherwise. */
  readonly name?: string;
  /** Cognito groups, e.g. `['organisers']`; `[]` for a signed-in user in no group. */
  readonly groups: readonly string[];
  /** Default 12 hours. Negative values make an already expired token (tests). */
  readonly ttlSeconds?: number;
  /** Default now. */
  readonly issuedAt?: Date;
}

export const defaultOrganiser = { email: 'dilly.timmer@example.org', name: 'Dilly Timmer' } as const;

/**
 * Another organiser for the offline twin (`npm run local -- token --user <name>`), e.g. the second pair of
 * eyes that approves a large mailing: the name as given, a fictional example.org address made from it.
 */
export const organiserNamed = (name: string): { email: string; name: string } => {
  const local = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
  if (!local) throw new Error(`"${name}" gives no address: use letters or digits`);
  return { email: `${local}@example.org`, name: name.trim() };
};

export interface OrganiserAuthOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** The authorizer's clock. */
  readonly now?: () => Date;
}

export interface OrganiserAuth {
  readonly issuer: string;
  readonly audience: string;
  /** A Cognito-ID-token-shaped RS256 JWT. */
  signOrganiserToken(request: OrganiserTokenRequest): string;
  /**
   * What API Gateway's JWT authorizer does with the Authorization header: the claims as API Gateway passes
   * them on, or null for a 401 (the handler is then not invoked).
   */
  authorize(authorizationHeader: string | undefined): ApiGatewayJwtClaims | null;
  /** As `authorize`, with the reason of a refusal (for logs and tests). */
  check(authorizationHeader: string | undefined): AuthorizerDecision;
}

export type AuthorizerDecision =
  | { readonly allowed: true; readonly claims: ApiGatewayJwtClaims }
  | { readonly allowed: false; readonly reason: string };

/** A stable UUID-shaped subject per address, like Cognito's `sub`. */
const subjectFor = (email: string): string => {
  const hex = createHash('sha256').update(`dropin-local-organiser:${email.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/**
 * API Gateway renders non-string claims the way Go's fmt prints them: numbers and booleans as their text,
 * arrays as `[a b]` (so `cognito:groups` arrives as `"[organisers]"`), objects as `map[k:v]`.
 */
export const apiGatewayClaimValue = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(apiGatewayClaimValue).join(' ')}]`;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([key, item]) => `${key}:${apiGatewayClaimValue(item)}`).join(' ')}]`;
  }
  return String(value);
};

export const apiGatewayClaims = (payload: Record<string, unknown>): ApiGatewayJwtClaims =>
  Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, apiGatewayClaimValue(value)]));

/** API Gateway takes the identity source with or without the `Bearer ` prefix. */
const tokenOf = (authorizationHeader: string | undefined): string | undefined => {
  const value = authorizationHeader?.trim();
  if (!value || /^Bearer$/i.test(value)) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(value);
  return bearer?.[1]?.trim() ?? value;
};

export const createOrganiserAuth = (
  key: OrganiserSigningKey,
  options: OrganiserAuthOptions = {},
): OrganiserAuth => {
  const issuer = options.issuer ?? localIssuer;
  const audience = options.audience ?? localClientId;
  const now = options.now ?? (() => new Date());

  const signOrganiserToken = (request: OrganiserTokenRequest): string => {
    const email = request.email ?? defaultOrganiser.email;
    const name = request.name ?? (email === defaultOrganiser.email ? defaultOrganiser.name : undefined);
    const sub = request.sub ?? subjectFor(email);
    const iat = Math.floor((request.issuedAt ?? new Date()).getTime() / 1000);
    const exp = iat + (request.ttlSeconds ?? 12 * 3600);
    // The claims of a Cognito user pool ID token; Cognito leaves out `cognito:groups` for a user in no group.
    return signRs256(
      {
        sub,
        ...(request.groups.length > 0 ? { 'cognito:groups': [...request.groups] } : {}),
        email_verified: true,
        iss: issuer,
        'cognito:username': sub,
        origin_jti: randomUUID(),
        aud: audience,
        event_id: randomUUID(),
        token_use: 'id',
        auth_time: iat,
        ...(name ? { name } : {}),
        exp,
        iat,
        jti: randomUUID(),
        email,
      },
      key.privateKey,
      key.keyId,
    );
  };

  /** The checks of an HTTP API JWT authorizer: signature (RSA), kid, iss, aud (or client_id), exp, nbf, iat. */
  const check = (authorizationHeader: string | undefined): AuthorizerDecision => {
    const token = tokenOf(authorizationHeader);
    if (!token) return { allowed: false, reason: 'no token' };
    const jws = verifyRs256(token, key.publicKey, key.keyId);
    if (!jws.valid) return { allowed: false, reason: jws.reason };
    const claims = jws.payload;
    const nowSeconds = Math.floor(now().getTime() / 1000);
    if (claims.iss !== issuer) return { allowed: false, reason: 'wrong issuer' };
    const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
    // API Gateway looks at client_id only when the token has no aud (Cognito access tokens).
    const audienceMatches =
      claims.aud === undefined ? claims.client_id === audience : audiences.includes(audience);
    if (!audienceMatches) return { allowed: false, reason: 'wrong audience' };
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)
      return { allowed: false, reason: 'expired' };
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > nowSeconds)) {
      return { allowed: false, reason: 'not yet valid (nbf)' };
    }
    if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > nowSeconds)) {
      return { allowed: false, reason: 'issued in the future (iat)' };
    }
    return { allowed: true, claims: apiGatewayClaims(claims) };
  };

  return {
    issuer,
    audience,
    signOrganiserToken,
    check,
    authorize: (authorizationHeader) => {
      const decision = check(authorizationHeader);
      return decision.allowed ? decision.claims : null;
    },
  };
};
