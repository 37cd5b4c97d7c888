import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoOutboxLedger } from '../functions/adapters/dynamo/outbox-ledger';
import { assertScheduleName, InvalidScheduleName } from '../functions/adapters/scheduled-jobs';
import { createOrganiserAuth, defaultOrganiser, organiserNamed } from './auth/organiser-auth';
import { loadOrCreateSigningKey } from './auth/signing-key';
import { dataPaths, resolveRunningDataDir } from './data-dir';
import { localAwsSettings } from './engines/dynamodb-local';
import { startPorts } from './engines/ports';
import { Mailbox } from './engines/ses-emulator';
import { fileKeyringStore, type RotateStep, rotateKeyCommand, secretKeyringStore } from './link-keys-command';
import { backfillPersonIndex } from './maintenance/person-index-backfill';
import { localTableName } from './runtime';
import { fireCommand } from './scheduler/fire-command';
import { LocalSetupError } from './setup-errors';

/**
 * `npm run local -- <command>`: conveniences for the offline twin. Commands, not routes
 * (docs/architecture.md, "One route table, one list of entries"): nothing here exists in AWS.
 */

// Offline tools on Node 20: the SDK's notice about its future Node versions is noise here (as in npm start).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const usage = `Usage: npm run local -- <command> [options]

Commands:
  token [--group organisers|admins|none] [--user <name> | --email <address>] [--name <name>] [--ttl <12h|30m|3600s|1d>]
        Prints an organiser ID token signed with the key in the data folder, which the running
        \`npm start\` accepts. --group may be repeated; default organisers. --user makes another
        organiser (e.g. --user Anouk: anouk@example.org), such as the second one who approves. Use it as
        curl -H "Authorization: Bearer $(npm run -s local -- token)" http://localhost:3000/api/organiser/me
  mailbox [--limit <n>]
        Lists the latest mails in the running SES emulator: time, recipients, subject (default 20).
  fire <name>
        Fires one schedule of the running \`npm start\` now, e.g. reminder-<meetingId>, and deletes it,
        as a one-time schedule is deleted once it has run. Its mails arrive in the mailbox. A job that
        refuses to run long before its time (a meeting's reminders) says until when; the schedule stays.
        A recurring schedule (vooruitblik-draft, vooruitblik-send) runs for its next time and stays.
        \`fire vooruitblik\` runs the monthly Vooruitblik now: drafts the next one (the preview link goes
        to the organiser's mailbox), or, once an organiser approved it, sends it.
  outbox [--limit <n>]
        Lists the outbox of the running \`npm start\`: mail and jobs not yet settled (waiting, postponed,
        in doubt), with their attempts and last error, and failed mail with its reason (default 20 each).
  backfill-person-index [--page-size <n>] [--max-pages <n>] [--restart] [--table <name> [--region <r>]]
        Maintenance: gives the items written before the person index existed its attributes. Scans the
        table page by page (never a request path) and records its progress in the table: a stopped run
        resumes, a finished one says so (--restart starts again). Offline it works on the running
        \`npm start\`'s DynamoDB Local; with --region it works on that AWS table through the default AWS
        credential chain (AWS_PROFILE, environment, SSO, …).
  rotate-key [add | promote <id> | retire <id> [--early] | list] [--secret-id <arn> [--region <r>]]
        The link keyring. Without a step (offline only): adds a key and makes it the signer at once;
        links signed before keep working. add / promote / retire are the three steps of a rotation
        (promote no sooner than 5 minutes after add, retire no sooner than 13 months after the key
        stopped signing; --early skips that wait offline, to see what an old link does). With
        --secret-id the steps act on the stack's LinkKeys secret in AWS (README, "Rotating the link key").
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
      user: { type: 'string' },
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
  if (values.user !== undefined && values.email !== undefined) {
    throw new UsageError('--user or --email: the one names the other');
  }
  let other: { email: string; name: string } | undefined;
  try {
    other = values.user === undefined ? undefined : organiserNamed(values.user);
  } catch (error) {
    throw new UsageError(`--user: ${(error as Error).message}`);
  }
  const email = values.email ?? other?.email ?? defaultOrganiser.email;
  const name = values.name ?? other?.name;
  const auth = createOrganiserAuth(
    loadOrCreateSigningKey(resolveRunningDataDir(portSetting('PORT', startPorts.site))),
  );
  const signed = auth.signOrganiserToken({
    groups: groupOptions.filter((group) => group !== 'none'),
    email,
    ...(name ? { name } : {}),
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
  let total: number;
  try {
    ({ mails, total } = await inbox.latest(limit));
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
  for (const mail of mails) {
    const to = [...mail.destination.to, ...mail.destination.cc, ...mail.destination.bcc].join(', ');
    console.log(`${time.format(new Date(mail.at * 1000))}  ${to}  ${mail.subject}`);
  }
  console.log(`(${mails.length} of ${total}; read them on ${inbox.endpoint}/)`);
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
  if (fired.outcome === 'ran') {
    const { outcome, digestFor, mailingId } = fired.result as {
      outcome: string;
      digestFor: string;
      mailingId: string;
    };
    const when = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'long' }).format(
      new Date(digestFor),
    );
    console.log(
      `Vooruitblik van ${when} (mailing ${mailingId}): ${(vooruitblikOutcomes[outcome] ?? outcome).replaceAll('<id>', mailingId)}`,
    );
    return;
  }
  console.log(
    fired.afterwards === 'deleted'
      ? `Fired ${name}; the schedule is done and deleted. Its mails go out through the running npm start.`
      : fired.afterwards === 'kept-recurring'
        ? `Fired ${name}; it is a recurring schedule and stays for its next time.`
        : `Fired ${name}; it was moved while it ran, so it stays for its new time.`,
  );
};

/** What `fire vooruitblik` did, in a line (core/mailings/vooruitblik.ts's outcomes). */
const vooruitblikOutcomes: Readonly<Record<string, string>> = {
  drafted:
    'drafted. The organisers have the preview link in the mailbox; approve it (POST /api/organiser/mailings/<id>/approve) and fire again to send it now.',
  'no-news': 'no news since the last one (no new meeting, no new publication): nothing drafted.',
  exists: 'its draft is waiting for an organiser to approve it (or it went out already): nothing done.',
  sent: 'approved, so it is sending now. It arrives in the mailbox of every nieuwsbrief subscriber.',
  'not-approved': 'not approved: cancelled, nothing sent.',
  ignored: 'another run got there first: nothing done.',
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

const positiveNumber = (option: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${option} ${text}: give a positive number`);
  return value;
};

const backfillPersonIndexCommand: Command = async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      'page-size': { type: 'string' },
      'max-pages': { type: 'string' },
      restart: { type: 'boolean', default: false },
      table: { type: 'string' },
      region: { type: 'string' },
    },
  });
  if (values.region !== undefined && values.table === undefined) {
    throw new UsageError(
      '--region: name the table as well (--table <name>, the table of the stateful stack)',
    );
  }
  const pageSize = positiveNumber('--page-size', values['page-size']);
  const maxPages = positiveNumber('--max-pages', values['max-pages']);
  // In AWS: the default credential chain. Offline: the running npm start's DynamoDB Local.
  const endpoint = `http://127.0.0.1:${portSetting('DROPIN_DYNAMODB_PORT', startPorts.dynamoDb)}`;
  const client =
    values.region !== undefined
      ? new DynamoDBClient({ region: values.region })
      : new DynamoDBClient({ ...localAwsSettings, endpoint });
  const tableName = values.table ?? localTableName;
  const where =
    values.region !== undefined ? `${tableName} in ${values.region}` : `${tableName} on ${endpoint}`;
  try {
    const report = await backfillPersonIndex(DynamoDBDocumentClient.from(client), tableName, {
      ...(pageSize ? { pageSize } : {}),
      ...(maxPages ? { maxPages } : {}),
      restart: values.restart ?? false,
      onPage: (progress) =>
        console.error(
          `page ${progress.pages}: ${progress.scanned} items scanned, ${progress.listed} given a listing`,
        ),
    }).catch((error: unknown) => {
      if (values.region === undefined && (error as { code?: unknown }).code === 'ECONNREFUSED') {
        throw new LocalSetupError(`No DynamoDB Local answers on ${endpoint}; is \`npm start\` running?`);
      }
      throw error;
    });
    if (report.outcome === 'already-done') {
      console.log(
        `The person-index backfill of ${where} is done already (${report.listed} items listed); --restart runs it again.`,
      );
    } else if (report.outcome === 'stopped') {
      console.log(
        `Stopped after ${report.pages} pages of ${where} (${report.listedNow} items listed in this run); run it again to go on.`,
      );
    } else {
      console.log(
        `Done: ${where} scanned (${report.scanned} items); ${report.listedNow} listed in this run, ${report.listed} in all.`,
      );
    }
  } finally {
    client.destroy();
  }
};

const rotateKey: Command = async (args) => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'secret-id': { type: 'string' },
      region: { type: 'string' },
      early: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const [step = 'rotate', id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`rotate-key ${step} takes at most one key id`);
  const offline = values['secret-id'] === undefined;
  if (values.region !== undefined && offline) throw new UsageError('--region goes with --secret-id');
  let command: RotateStep;
  if (step === 'rotate' || step === 'add' || step === 'list') {
    if (id !== undefined) throw new UsageError(`rotate-key ${step} takes no key id`);
    if (step === 'rotate' && !offline) {
      throw new UsageError(
        'In AWS a rotation takes steps: rotate-key add, then promote <id> after 5 minutes',
      );
    }
    command = { step };
  } else if (step === 'promote' || step === 'retire') {
    if (id === undefined)
      throw new UsageError(`rotate-key ${step}: name the key id (rotate-key list shows them)`);
    command = step === 'promote' ? { step, id } : { step, id, early: values.early ?? false };
  } else {
    throw new UsageError(`rotate-key ${step}: choose add, promote, retire or list`);
  }
  if (values.early && command.step !== 'retire') throw new UsageError('--early goes with retire');
  const store = offline
    ? fileKeyringStore(dataPaths(resolveRunningDataDir(portSetting('PORT', startPorts.site))).linkKeys)
    : await secretKeyringStore(values['secret-id'] ?? '', values.region);
  try {
    const lines = await rotateKeyCommand(store, command, new Date(), offline);
    console.log([`Keyring: ${store.where}`, ...lines].join('\n'));
  } catch (error) {
    if (error instanceof Error && (error.name === 'KeyringRefused' || error.message.startsWith('--early'))) {
      throw new LocalSetupError(`rotate-key: ${error.message}`);
    }
    throw error;
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
  'rotate-key': rotateKey,
  // Maintenance (docs/architecture.md, "The person index"): offline, or on an AWS table with --region.
  'backfill-person-index': backfillPersonIndexCommand,
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
