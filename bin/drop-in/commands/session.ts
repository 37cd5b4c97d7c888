import { spawn } from 'node:child_process';
import { Command } from 'commander';
import {
  type CognitoClient,
  forgetSession,
  login,
  revoke,
  savedSession,
  saveSession,
  sessionsFile,
} from '../cognito';
import type { ContextOf } from '../context';
import { UsageError } from '../exit-codes';
import { numberOption } from '../fields';
import { details } from '../output';
import { isOffline } from '../sign-in';

/** Opens the address in the user's browser, where the platform has a way; printing it is the fallback. */
const openBrowser = (url: string): void => {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
};

/** The API address the global options name (main.ts keeps it on the root command). */
const apiOf = (command: Command): URL => new URL((command.optsWithGlobals() as { api: string }).api);

export const sessionCommands = (contextOf: ContextOf): Command[] => [
  new Command('login')
    .description('Inloggen bij de API in AWS (Cognito, in de browser); offline is dat niet nodig')
    .option(
      '--domain <url>',
      'het inlogdomein van Cognito (de stackoutput SignInDomain); ook DROPIN_COGNITO_DOMAIN',
    )
    .option(
      '--client-id <id>',
      'de app-client van de userpool (de stackoutput ClientId); ook DROPIN_COGNITO_CLIENT_ID',
    )
    .option('--port <poort>', 'de poort op localhost waar de browser terugkomt', '8484')
    .option('--no-browser', 'de browser niet openen; alleen het adres tonen')
    .action(
      async (
        options: { domain?: string; clientId?: string; port: string; browser: boolean },
        command: Command,
      ) => {
        const api = apiOf(command);
        if (isOffline(api)) {
          process.stderr.write(
            `${api.origin} is het offline systeem: de CLI gebruikt daar vanzelf de sleutel van npm start.\n`,
          );
          return;
        }
        const earlier = savedSession(api.origin);
        const client: CognitoClient = {
          domain: options.domain ?? process.env.DROPIN_COGNITO_DOMAIN ?? earlier?.domain ?? '',
          clientId: options.clientId ?? process.env.DROPIN_COGNITO_CLIENT_ID ?? earlier?.clientId ?? '',
        };
        if (client.domain === '' || client.clientId === '') {
          throw new UsageError(
            'Geef --domain en --client-id (de stackoutputs SignInDomain en ClientId) bij de eerste keer inloggen',
          );
        }
        const tokens = await login({
          ...client,
          port: numberOption('--port', options.port, { min: 1, whole: true }),
          onAddress: (url) => {
            process.stderr.write(`Log in in de browser:\n${url}\n`);
            if (options.browser) openBrowser(url);
          },
        });
        saveSession(api.origin, { ...client, ...tokens });
        process.stderr.write(`Ingelogd bij ${api.origin}; de sessie staat in ${sessionsFile()}.\n`);
      },
    ),

  new Command('logout')
    .description('Uitloggen: de sessie vergeten en bij Cognito intrekken')
    .action(async (_options: unknown, command: Command) => {
      const api = apiOf(command);
      const session = forgetSession(api.origin);
      if (session === undefined) {
        process.stderr.write(`Er was geen sessie bij ${api.origin}.\n`);
        return;
      }
      const revoked = await revoke(session);
      process.stderr.write(
        `Uitgelogd bij ${api.origin}${revoked ? '' : ' (intrekken bij Cognito lukte niet; de sessie is wel vergeten)'}.\n`,
      );
    }),

  new Command('whoami')
    .description('Als wie de API je kent, en met welke rollen')
    .action(async (_options: unknown, command: Command) => {
      const { api, out } = contextOf(command);
      const { body } = await api.call('GET /api/organiser/me');
      const me = body as { email?: string; name?: string; groups?: string[]; subject?: string };
      out.result(body, () =>
        details([
          ['Naam', me.name],
          ['Adres', me.email],
          ['Rollen', me.groups?.join(', ')],
          ['API', api.base.origin],
        ]),
      );
    }),
];
