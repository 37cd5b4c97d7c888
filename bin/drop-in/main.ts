import { Command, CommanderError, Help, type Option } from 'commander';
import { ApiClient } from './api';
import { auditCommand } from './commands/audit';
import { mailingsCommand } from './commands/mailings';
import { meetingsCommand } from './commands/meetings';
import { reportsCommand } from './commands/reports';
import { sessionCommands } from './commands/session';
import { subscribersCommand } from './commands/subscribers';
import { suppressionsCommand } from './commands/suppressions';
import { testMailCommand } from './commands/test-mail';
import type { Context } from './context';
import { CliError, exitCodeHelp, exitCodes, UsageError } from './exit-codes';
import { printer } from './output';
import { tokenSource } from './sign-in';

/**
 * `drop-in`: the organiser's command line (README, "The command line"). Every command calls one or more
 * operations of the organiser API by route key (operations.ts); nothing here talks to DynamoDB or SES.
 */

const sectionTitles: Readonly<Record<string, string>> = {
  'Usage:': 'Gebruik:',
  'Options:': 'Opties:',
  'Commands:': 'Commando’s:',
  'Arguments:': 'Argumenten:',
  'Global Options:': 'Algemene opties:',
};

/** Commander's own error messages, in Dutch. */
const dutchErrors: readonly (readonly [RegExp, string])[] = [
  [/^error: unknown command '(.*)'/, 'drop-in: onbekend commando ‘$1’'],
  [/^error: unknown option '(.*)'/, 'drop-in: onbekende optie ‘$1’'],
  [/^error: missing required argument '(.*)'/, 'drop-in: het argument ‘$1’ ontbreekt'],
  [/^error: required option '(.*)' not specified/, 'drop-in: de optie ‘$1’ is verplicht'],
  [/^error: option '(.*)' argument missing/, 'drop-in: de optie ‘$1’ mist haar waarde'],
  [
    /^error: option '(.*)' argument '(.*)' is invalid\. Allowed choices are (.*)\./,
    'drop-in: ‘$2’ kan niet bij $1; kies uit $3',
  ],
  [/^error: too many arguments.*/, 'drop-in: te veel argumenten'],
  [/\(Did you mean (.*)\?\)/, '(bedoel je $1?)'],
];

export const dutchError = (message: string): string =>
  dutchErrors.reduce((text, [pattern, dutch]) => text.replace(pattern, dutch), message);

/** Commander's help with Dutch section titles. */
class DutchHelp extends Help {
  override styleTitle(title: string): string {
    return sectionTitles[title] ?? title;
  }

  override optionDescription(option: Option): string {
    return super
      .optionDescription(option)
      .replace(/\(choices: (.*?)(?:, default: (.*))?\)$/, (_, choices: string, fallback?: string) =>
        fallback === undefined ? `(keuze uit ${choices})` : `(keuze uit ${choices}; standaard ${fallback})`,
      )
      .replace(/\(default: ("?)(.*)\1\)$/, '(standaard: $2)');
  }

  override commandUsage(command: Command): string {
    return super.commandUsage(command).replace('[options]', '[opties]').replace('[command]', '[commando]');
  }

  override subcommandTerm(command: Command): string {
    return super.subcommandTerm(command).replace('[options]', '[opties]');
  }
}

interface GlobalOptions {
  readonly api: string;
  readonly token?: string;
  readonly json?: boolean;
  readonly user?: string;
  readonly admin?: boolean;
}

/** The context of a command, from the options of the whole command line. */
const contextOf = (command: Command): Context => {
  const options = command.optsWithGlobals() as GlobalOptions;
  let api: URL;
  try {
    api = new URL(options.api);
  } catch {
    throw new UsageError(`--api ${options.api}: geen geldig adres, zoals http://localhost:3000`);
  }
  const tokens = tokenSource({
    api,
    // DROPIN_TOKEN is read here, not made the option's default: commander would print it in every --help.
    ...((options.token ?? process.env.DROPIN_TOKEN) !== undefined
      ? { token: options.token ?? process.env.DROPIN_TOKEN }
      : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    admin: options.admin === true,
  });
  return { api: new ApiClient(api, tokens), out: printer(options.json === true) };
};

export const program = (): Command => {
  const root = new Command('drop-in')
    .description(
      'De organisatoren van Drop In: bijeenkomsten, mailings, publicaties en abonnees, via de organisator-API',
    )
    .option('--api <url>', 'de API (DROPIN_API)', process.env.DROPIN_API ?? 'http://localhost:3000')
    .option('--token <jwt>', 'een ID-token in plaats van inloggen (of DROPIN_TOKEN)')
    .option('--json', 'het antwoord van de API als JSON, voor scripts')
    .option('--user <naam>', 'offline: als een andere organisator, zoals de tweede die goedkeurt')
    .option('--admin', 'offline: met de rol admins')
    .helpOption('-h, --help', 'deze hulp')
    .helpCommand('help [commando]', 'hulp bij een commando')
    .addHelpText('after', `\n${exitCodeHelp}`)
    .showHelpAfterError('(drop-in --help toont wat kan)')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ outputError: (message, write) => write(dutchError(message)) })
    .exitOverride();
  root.createHelp = () => Object.assign(new DutchHelp(), root.configureHelp());
  for (const command of [
    meetingsCommand(contextOf),
    mailingsCommand(contextOf),
    reportsCommand(contextOf),
    subscribersCommand(contextOf),
    auditCommand(contextOf),
    suppressionsCommand(contextOf),
    testMailCommand(contextOf),
    ...sessionCommands(contextOf),
  ]) {
    root.addCommand(command);
  }
  // Every subcommand: the same Dutch help, errors thrown (not exits) so the exit codes are ours.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ outputError: (message, write) => write(dutchError(message)) });
    command.helpOption('-h, --help', 'deze hulp');
    command.createHelp = root.createHelp;
    command.configureHelp({ showGlobalOptions: true });
    command.showHelpAfterError(`(drop-in ${command.name()} --help toont wat kan)`);
    if (command.commands.length > 0) command.helpCommand('help [commando]', 'hulp bij een commando');
    for (const sub of command.commands) configure(sub);
  };
  for (const command of root.commands) configure(command);
  return root;
};

/** Runs the command line; resolves to the exit code. */
export const run = async (argv: readonly string[]): Promise<number> => {
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help exits 0; help shown because a command is missing (`drop-in mailings`) is wrong usage, as is the rest.
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`drop-in: ${error.message}\n`);
      return error.code;
    }
    // A bug, not the user's doing: its message, and the stack when asked for (DROPIN_DEBUG=1).
    const detail =
      error instanceof Error && process.env.DROPIN_DEBUG ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`drop-in: onverwachte fout: ${detail}\n`);
    return exitCodes.failed;
  }
};
