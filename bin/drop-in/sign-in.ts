import { existsSync } from 'node:fs';
import { createOrganiserAuth, defaultOrganiser, organiserNamed } from '../../local/auth/organiser-auth';
import { loadOrCreateSigningKey, signingKeyFile } from '../../local/auth/signing-key';
import { resolveRunningDataDir } from '../../local/data-dir';
import { freshSession } from './cognito';
import { NotSignedIn, UsageError } from './exit-codes';

/**
 * Where a command's bearer token comes from, in this order: `--token` or `DROPIN_TOKEN`; against the offline
 * twin (an API on localhost), a token signed with the running `npm start`'s own key, as
 * `npm run local -- token` signs them; in AWS, the Cognito session `drop-in login` saved (cognito.ts).
 */
export interface TokenSource {
  /** A token good for the next request; a long command asks again before each one. */
  token(): Promise<string>;
}

export interface SignInSettings {
  readonly api: URL;
  /** `--token` or DROPIN_TOKEN. */
  readonly token?: string;
  /** Offline only: act as another organiser (`--user Anouk`: anouk@example.org), e.g. the one who approves. */
  readonly user?: string;
  /** Offline only: with the `admins` group too. */
  readonly admin?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether the API is the offline twin on this machine. */
export const isOffline = (api: URL): boolean => loopbackHosts.has(api.hostname);

const apiPort = (api: URL): number => Number(api.port || (api.protocol === 'https:' ? 443 : 80));

/** Offline: the key of the `npm start` serving this port, never a new one (that would sign what nobody trusts). */
const offlineTokens = (settings: SignInSettings): TokenSource => {
  const dataDir = resolveRunningDataDir(apiPort(settings.api), settings.env ?? process.env);
  if (!existsSync(signingKeyFile(dataDir))) {
    throw new NotSignedIn(
      `Geen offline systeem gevonden voor ${settings.api.origin} (geen sleutel in ${dataDir}): start het met \`npm start\`, of geef DROPIN_TOKEN.`,
    );
  }
  let who: { email: string; name: string } = { ...defaultOrganiser };
  if (settings.user !== undefined) {
    try {
      who = organiserNamed(settings.user);
    } catch (error) {
      throw new UsageError(`--user: ${(error as Error).message}`);
    }
  }
  const auth = createOrganiserAuth(loadOrCreateSigningKey(dataDir));
  const groups = settings.admin ? ['organisers', 'admins'] : ['organisers'];
  return { token: async () => auth.signOrganiserToken({ groups, ...who, ttlSeconds: 3600 }) };
};

export const tokenSource = (settings: SignInSettings): TokenSource => {
  if (settings.token !== undefined && settings.token.trim() !== '') {
    const token = settings.token.trim();
    return { token: async () => token };
  }
  if (isOffline(settings.api)) return offlineTokens(settings);
  if (settings.user !== undefined || settings.admin) {
    throw new UsageError(
      '--user en --admin bestaan alleen offline; in AWS bepaalt je Cognito-account wie je bent',
    );
  }
  const api = settings.api.origin;
  return { token: async () => (await freshSession(api, settings.env)).idToken };
};
