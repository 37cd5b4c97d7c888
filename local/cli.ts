import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoOutboxLedger } from '../functions/adapters/dynamo/outbox-ledger';
import { assertScheduleName, InvalidScheduleName } from '../functions/adapters/scheduled-jobs';
import { createOrganiserAuth, defaultOrganiser } from './auth/organiser-auth';
import { loadOrCreateSigningKey } from './auth/signing-key';
import { resolveRunningDataDir } from './data-dir';
import { localAwsSettings } from './engines/dynamodb-local';
import { startPorts } from './engines/ports';
import { Mailbox } from './engines/ses-emulator';
import { localTableName } from './runtime';
import { fireCommand } from './scheduler/fire-command';
import { LocalSetupError } from './setup-errors';

/**
 * `npm run local -- <command>`: conveniences for the offline twin. Commands, not routes
 * (docs/architecture.md, "One route table, one list of entries"): nothing here exists in AWS.
 */

const usage = `Usage: npm run local -- <command> [options]

Commands:
  token [--group organisers|admins|none] [--email <address>] [--name <name>] [--ttl <12h|30m|3600s|1d>]
        Prints an organiser ID token signed with the key in the data folder, which the running
        \`npm start\` accepts. --group may be repeated; default organisers. Use it as
        curl -H "Authorization: Bearer $(npm run -s local -- token)" http://localhost:3000/api/organiser/me
  mailbox [--limit <n>]
        Lists the latest mails in the running SES emulator: time, recipients, subject (default 20).
  fire <name>
        Fires one schedule of the running \`npm start\` now, e.g. reminder-<meetingId>, and deletes it,
        as a one-time schedule is deleted once it has run. Its mails arrive in the mailbox. A job that
        refuses to run long before its time (a meeting's reminders) says until when; the schedule stays.
  outbox [--limit <n>]
        Lists the outbox of the running \`npm start\`: mail and jobs not yet settled (waiting, postponed,
        in doubt), with their attempts and last error, and failed mail with its reason (default 20 each).
  help  This text.

Environment: DROPIN_DATA_DIR (default .data), DROPIN_SES_PORT (default ${startPorts.ses}),
DROPIN_DYNAMODB_PORT (default ${startPorts.dynamoDb}), PORT (default ${startPorts.site}).`;

/** A wrong invocation: usage and exit code 2. */
class UsageError extends Error {}

type Command = (args: string[]) => Promise<void>;

const parseTtl = (text: string): number => {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match?.[1]) throw new UsageError(`--ttl ${text}: use a number with s, m, h or d, e.g. 12h`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
};

const token: Command = async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      group: { type: 'string', multiple: true },
      email: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string', default: '12h' },
    },
  });
  const groupOptions = values.group ?? ['organisers'];
  for (const group of groupOptions) {
    if (!['organisers', 'admins', 'none'].includes(group)) {
      throw new UsageError(`--group ${group}: choose organisers, admins or none`);
    }
  }
  if (values.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(values.email)) {
    throw new UsageError(`--email ${values.email} is not an address`);
  }
  const email = values.email ?? defaultOrganiser.email;
  const auth = createOrganiserAuth(
    loadOrCreateSigningKey(resolveRunningDataDir(portSetting('PORT', startPorts.site))),
  );
  const signed = auth.signOrganiserToken({
    groups: groupOptions.filter((group) => group !== 'none'),
    email,
    ...(values.name ? { name: values.name } : {}),
    ttlSeconds: parseTtl(values.ttl ?? '12h'),
  });
  // The token alone on stdout, so `$(npm run -s local -- token)` works; the rest on stderr.
  process.stdout.write(`${signed}\n`);
};

const mailbox: Command = async (args) => {
  const { values } = parseArgs({ args, options: { limit: { type: 'string', default: '20' } } });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit ${values.limit}: give a positive number`);
  const port = process.env.DROPIN_SES_PORT || String(startPorts.ses);
  const inbox = new Mailbox(`http://127.0.0.1:${port}`);
  let mails: Awaited<ReturnType<Mailbox['list']>>;
  try {
    mails = await inbox.list();
  } catch {
    throw new LocalSetupError(`No SES emulator answers on ${inbox.endpoint}; is \`npm start\` running?`);
  }
  if (mails.length === 0) {
    console.log(`No mail yet (mailbox page: ${inbox.endpoint}/).`);
    return;
  }
  const time = new Intl.DateTimeFormat('nl-NL', {
    timeZone: 'Europe/Amsterdam',
    dateStyle: 'short',
    timeStyle: 'medium',
  });
  for (const mail of mails.slice(-limit)) {
    const to = [...mail.destination.to, ...mail.destination.cc, ...mail.destination.bcc].join(', ');
    console.log(`${time.format(new Date(mail.at * 1000))}  ${to}  ${mail.subject}`);
  }
  console.log(`(${Math.min(limit, mails.length)} of ${mails.length}; read them on ${inbox.endpoint}/)`);
};

const portSetting = (variable: string, fallback: number): number => {
  const text = process.env[variable];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new UsageError(`${variable}=${text} is not a port number (1-65535)`);
  }
  return port;
};

const fire: Command = async (args) => {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError('fire: name the schedule, e.g. fire reminder-<meetingId>');
  if (extra.length > 0) throw new UsageError(`fire takes one schedule name, not ${positionals.length}`);
  try {
    assertScheduleName(name);
  } catch (error) {
    if (error instanceof InvalidScheduleName) throw new UsageError(`fire: ${error.message}`);
    throw error;
  }
  const fired = await fireCommand({
    name,
    dataDir: resolveRunningDataDir(portSetting('PORT', startPorts.site)),
    dynamoDbPort: portSetting('DROPIN_DYNAMODB_PORT', startPorts.dynamoDb),
    sesPort: portSetting('DROPIN_SES_PORT', startPorts.ses),
    sitePort: portSetting('PORT', startPorts.site),
  });
  if (fired.outcome === 'early') {
    const when = new Intl.DateTimeFormat('nl-NL', {
      timeZone: 'Europe/Amsterdam',
      dateStyle: 'long',
      timeStyle: 'short',
    }).format(new Date(fired.dueAt));
    throw new LocalSetupError(
      `${name} is early: its job runs only from ${when} (Europe/Amsterdam) and did nothing; the schedule is kept.`,
    );
  }
  console.log(
    fired.afterwards === 'deleted'
      ? `Fired ${name}; the schedule is done and deleted. Its mails go out through the running npm start.`
      : `Fired ${name}; it was moved while it ran, so it stays for its new time.`,
  );
};

const outbox: Command = async (args) => {
  const { values } = parseArgs({ args, options: { limit: { type: 'string', default: '20' } } });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit ${values.limit}: give a positive number`);
  const endpoint = `http://127.0.0.1:${portSetting('DROPIN_DYNAMODB_PORT', startPorts.dynamoDb)}`;
  const client = new DynamoDBClient({ ...localAwsSettings, endpoint });
  const ledger = new DynamoOutboxLedger(DynamoDBDocumentClient.from(client), localTableName);
  try {
    let pending: Awaited<ReturnType<DynamoOutboxLedger['list']>>;
    let failed: typeof pending;
    try {
      [pending, failed] = await Promise.all([ledger.list('pending', limit), ledger.list('failed', limit)]);
    } catch {
      throw new LocalSetupError(`No DynamoDB Local answers on ${endpoint}; is \`npm start\` running?`);
    }
    console.log(`Not yet settled (${pending.length}${pending.length === limit ? '+' : ''}):`);
    for (const entry of pending) {
      const error = entry.lastError
        ? `  last error (${entry.lastError.reason}): ${entry.lastError.detail}`
        : '';
      console.log(
        `  ${entry.createdAt}  ${entry.kind}  ${entry.state}, attempt ${entry.attempts}, next ${entry.dueAt ?? '-'}  ${entry.id}${error}`,
      );
    }
    console.log(`Failed (${failed.length}${failed.length === limit ? '+' : ''}, newest first):`);
    for (const entry of failed) {
      console.log(`  ${entry.failedAt}  ${entry.kind}  ${entry.id}  ${entry.failure ?? ''}`);
    }
  } finally {
    client.destroy();
  }
};

const help: Command = async () => {
  console.log(usage);
};

const commands: Record<string, Command> = {
  token,
  mailbox,
  // The local scheduler (docs/architecture.md, "Schedules"): fires one schedule now.
  fire,
  outbox,
  help,
};

const run = async (): Promise<number> => {
  const [name, ...args] = process.argv.slice(2);
  if (name === undefined) {
    console.error(usage);
    return 2;
  }
  const command = name === '--help' || name === '-h' ? help : commands[name];
  if (!command) {
    console.error(`Unknown command: ${name}\n\n${usage}`);
    return 2;
  }
  try {
    await command(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      // parseArgs throws TypeErrors with an ERR_PARSE_ARGS_* code for unknown or malformed options.
      console.error(`${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof LocalSetupError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
};

process.exitCode = await run();
