import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiUnreachable, CliError, exitCodes, NotSignedIn } from './exit-codes';

/**
 * Signing in to the API in AWS: Cognito's hosted sign-in with the authorization code grant and PKCE, the
 * browser sent back to a loopback address this process listens on (RFC 8252). The refresh token is kept in
 * the user's config folder (mode 0600), so a command that runs for hours (`mailings watch`) gets a fresh ID
 * token when the one-hour one runs out, and the next command needs no browser.
 */

export interface CognitoClient {
  /** The hosted sign-in's base URL, e.g. `https://dropin-prod.auth.eu-west-1.amazoncognito.com`. */
  readonly domain: string;
  /** The user pool's public app client (the stack's `ClientId` output). */
  readonly clientId: string;
}

export interface Session extends CognitoClient {
  readonly refreshToken: string;
  readonly idToken: string;
  /** Epoch seconds at which the ID token expires. */
  readonly idTokenExpiresAt: number;
}

/** `$XDG_CONFIG_HOME/drop-in` or `~/.config/drop-in`; `DROPIN_CONFIG_DIR` overrides. */
export const configDir = (env: NodeJS.ProcessEnv = process.env): string =>
  env.DROPIN_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'drop-in');

/** The sessions file: one session per API address. */
export const sessionsFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(configDir(env), 'sessions.json');

const readSessions = (env: NodeJS.ProcessEnv): Record<string, Session> => {
  try {
    return JSON.parse(readFileSync(sessionsFile(env), 'utf8')) as Record<string, Session>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(
      `${sessionsFile(env)} is onleesbaar: verwijder het en log opnieuw in`,
      exitCodes.failed,
    );
  }
};

/**
 * Written to a file of mode 0600 beside it, then renamed over it: the tokens are never in a file others may
 * read, and a command refreshing its token while another reads the file never leaves half a file.
 */
const writeSessions = (sessions: Record<string, Session>, env: NodeJS.ProcessEnv): void => {
  const file = sessionsFile(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, `${JSON.stringify(sessions, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
};

export const savedSession = (api: string, env: NodeJS.ProcessEnv = process.env): Session | undefined =>
  readSessions(env)[api];

export const saveSession = (api: string, session: Session, env: NodeJS.ProcessEnv = process.env): void =>
  writeSessions({ ...readSessions(env), [api]: session }, env);

export const forgetSession = (api: string, env: NodeJS.ProcessEnv = process.env): Session | undefined => {
  const sessions = readSessions(env);
  const session = sessions[api];
  if (session === undefined) return undefined;
  delete sessions[api];
  if (Object.keys(sessions).length === 0) rmSync(sessionsFile(env), { force: true });
  else writeSessions(sessions, env);
  return session;
};

const expiryOf = (idToken: string): number => {
  const payload = idToken.split('.')[1] ?? '';
  const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
  if (typeof exp !== 'number')
    throw new CliError('Cognito gaf een ID-token zonder vervaltijd', exitCodes.failed);
  return exp;
};

interface TokenAnswer {
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly error?: string;
}

const tokenRequest = async (client: CognitoClient, fields: Record<string, string>): Promise<TokenAnswer> => {
  const response = await fetch(new URL('/oauth2/token', client.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: client.clientId, ...fields }).toString(),
  }).catch((error: unknown) => {
    throw new ApiUnreachable(`Cognito (${client.domain}) antwoordt niet: ${String(error)}`);
  });
  const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
  if (!response.ok) return { error: answer.error ?? `HTTP ${response.status}` };
  return answer;
};

/** The saved session with an ID token good for at least another minute, refreshed if it was not. */
export const freshSession = async (
  api: string,
  env: NodeJS.ProcessEnv = process.env,
  now: () => number = () => Date.now(),
): Promise<Session> => {
  const session = savedSession(api, env);
  if (session === undefined) {
    throw new NotSignedIn(`Niet ingelogd bij ${api}: log in met \`drop-in login\` (of geef DROPIN_TOKEN).`);
  }
  if (session.idTokenExpiresAt - 60 > now() / 1000) return session;
  const answer = await tokenRequest(session, {
    grant_type: 'refresh_token',
    refresh_token: session.refreshToken,
  });
  if (answer.id_token === undefined) {
    throw new NotSignedIn(
      `De sessie bij ${api} is verlopen of ingetrokken (${answer.error ?? 'geen ID-token'}): log opnieuw in met \`drop-in login\`.`,
    );
  }
  const refreshed: Session = {
    ...session,
    // A pool that rotates refresh tokens sends a new one: keep that, the old one stops working.
    refreshToken: answer.refresh_token ?? session.refreshToken,
    idToken: answer.id_token,
    idTokenExpiresAt: expiryOf(answer.id_token),
  };
  saveSession(api, refreshed, env);
  return refreshed;
};

export interface LoginOptions extends CognitoClient {
  /** The loopback port Cognito sends the browser back to; its callback URL must be registered. Default 8484. */
  readonly port?: number;
  /** Shows the sign-in address; the caller prints it and may open a browser. */
  readonly onAddress: (url: string) => void;
  /** Default 5 minutes. */
  readonly timeoutMs?: number;
}

const base64Url = (bytes: Buffer): string => bytes.toString('base64url');

/** The page the browser shows once the code has arrived. */
const donePage = (ok: boolean): string =>
  `<!doctype html><html lang="nl"><meta charset="utf-8"><title>Drop In</title><p>${
    ok
      ? 'Je bent ingelogd. Je kunt dit venster sluiten en terug naar de terminal.'
      : 'Inloggen is niet gelukt. Kijk in de terminal.'
  }</p></html>`;

/** The whole sign-in: PKCE, the browser, the loopback callback, the code exchanged for tokens. */
export const login = async (options: LoginOptions): Promise<Omit<Session, keyof CognitoClient>> => {
  const verifier = base64Url(randomBytes(32));
  const challenge = base64Url(createHash('sha256').update(verifier).digest());
  const state = base64Url(randomBytes(16));
  const port = options.port ?? 8484;
  // The address the browser comes back to; the port is the one bound (0 in tests: any free one).
  let redirectUri = `http://localhost:${port}/callback`;

  const code = await new Promise<string>((resolve, reject) => {
    const servers: Server[] = [];
    const closeAll = () => {
      for (const one of servers) one.close();
    };
    const handle = (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== '/callback') {
        response.writeHead(404).end();
        return;
      }
      const error = url.searchParams.get('error');
      const given = url.searchParams.get('code');
      const ok = error === null && given !== null && url.searchParams.get('state') === state;
      response.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' }).end(donePage(ok));
      closeAll();
      clearTimeout(timer);
      if (ok) resolve(given);
      else
        reject(
          new NotSignedIn(
            error !== null
              ? `Cognito weigerde het inloggen: ${error}`
              : 'Het antwoord van Cognito klopte niet (een andere state): probeer het opnieuw',
          ),
        );
    };
    const server = createServer(handle);
    servers.push(server);
    const timer = setTimeout(() => {
      closeAll();
      reject(new NotSignedIn('Geen antwoord van de browser binnen vijf minuten: probeer het opnieuw'));
    }, options.timeoutMs ?? 300_000);
    server.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new CliError(
          error.code === 'EADDRINUSE'
            ? `Poort ${port} is bezet: kies een andere met --port (en zet http://localhost:<poort>/callback bij de callback-adressen)`
            : String(error),
          exitCodes.failed,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      redirectUri = `http://localhost:${bound}/callback`;
      // A browser may resolve localhost to ::1: listen there too, on the same port, where the machine has IPv6.
      const v6 = createServer(handle);
      v6.once('error', () => undefined);
      v6.listen(bound, '::1');
      servers.push(v6);
      const authorize = new URL('/oauth2/authorize', options.domain);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: options.clientId,
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString();
      options.onAddress(authorize.toString());
    });
  });

  const answer = await tokenRequest(options, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  if (answer.id_token === undefined || answer.refresh_token === undefined) {
    throw new NotSignedIn(`Cognito gaf geen tokens (${answer.error ?? 'onbekende fout'})`);
  }
  return {
    idToken: answer.id_token,
    refreshToken: answer.refresh_token,
    idTokenExpiresAt: expiryOf(answer.id_token),
  };
};

/** Revokes the refresh token at Cognito (its ID tokens stay valid until they expire). */
export const revoke = async (session: Session): Promise<boolean> => {
  const response = await fetch(new URL('/oauth2/revoke', session.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: session.refreshToken, client_id: session.clientId }).toString(),
  }).catch(() => undefined);
  return response?.ok ?? false;
};
