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

/** Commander's help with Dutch section titles. */
class DutchHelp extends Help {
  override styleTitle(title: string): string {
    return sectionTitles[title] ?? title;
  }

  override optionDescription(option: Option): string {
    return super.optionDescription(option).replace(/\(default: ("?)(.*)\1\)$/, '(standaard: $2)');
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
    ...(options.token !== undefined ? { token: options.token } : {}),
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
    .option('--token <jwt>', 'een ID-token in plaats van inloggen (DROPIN_TOKEN)', process.env.DROPIN_TOKEN)
    .option('--json', 'het antwoord van de API als JSON, voor scripts')
    .option('--user <naam>', 'offline: als een andere organisator, zoals de tweede die goedkeurt')
    .option('--admin', 'offline: met de rol admins')
    .helpOption('-h, --help', 'deze hulp')
    .helpCommand('help [commando]', 'hulp bij een commando')
    .addHelpText('after', `\n${exitCodeHelp}`)
    .showHelpAfterError('(drop-in --help toont wat kan)')
    .configureHelp({ showGlobalOptions: true })
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
      // Help and version are exits of their own kind; the rest is wrong usage, already printed.
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
        ? exitCodes.ok
        : exitCodes.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`drop-in: ${error.message}\n`);
      return error.code;
    }
    process.stderr.write(
      `drop-in: onverwachte fout: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return exitCodes.failed;
  }
};
