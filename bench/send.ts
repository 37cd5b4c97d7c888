/**
 * Sending a mailing against the limited SES emulator, with the real parts: DynamoDB Local (in memory), the SES
 * emulator in its own process journalling every mail, the SES proxy holding the account's allowance and
 * publishing SES's events to the real SES events handler, and the mailing sender in its own process
 * (local/sender/). Subscribers and mailings are written straight into the table (no HTTP). Every figure comes
 * from the journal: when the emulator accepted each mail tagged with the mailing.
 *
 *   npm run bench -- send                  the whole run (several minutes)
 *   npm run bench -- send --quick          smaller audiences, for trying it out
 *   npm run bench -- send --size 100000    the RSS case's large audience instead of 10,000
 *
 * Cases: 10,000 recipients at MaxSendRate 200/s; 2,000 at 14/s; two mailings of 1,000 (disjoint topics)
 * started together at 20/s; the sender's peak RSS at 1,000 and 10,000 recipients with the allowance in
 * count-only mode at 1,000/s. It fails (exit 1) when a mail went twice or not at all, or when the peaks differ
 * by more than 10 MiB. CPU per process over each case says what limits the rate where it falls short.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../functions/adapters/clock';
import { DynamoMailingStore } from '../functions/adapters/dynamo/mailing-store';
import { keys } from '../functions/adapters/dynamo/table-design';
import { timeOrderedIds } from '../functions/adapters/ids';
import { newMailing, sendNow } from '../functions/core/mailings/mailing';
import { massMailRate, worstWindow } from '../functions/core/mailings/pacing';
import { mailingTag } from '../functions/core/mailings/recipients';
import { PersonIds } from '../functions/core/people/person-id';
import type { Topic } from '../functions/core/subscriptions/model';
import { newTokenSecret } from '../local/data-dir';
import { localAwsSettings, startDynamoDbLocal } from '../local/engines/dynamodb-local';
import { scanMailJournal } from '../local/engines/mail-journal';
import { findFreePort } from '../local/engines/ports';
import { startSesEmulatorProcess } from '../local/engines/ses-emulator-process';
import { startSesProxy } from '../local/engines/ses-proxy';
import { sesEventsTarget } from '../local/relay/ses-events';
import { applyHandlerEnvironment, createHandlerLoader } from '../local/runtime';
import { type MailingSenderProcess, startMailingSender } from '../local/sender/mailing-sender';
import { ensureTable } from '../local/table';
import { batchWrite, putItems, subscriberItems } from '../test/support/subscriber-items';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const sizeAt = args.indexOf('--size');
const largeRss = sizeAt >= 0 ? Number(args[sizeAt + 1]) : quick ? 2_000 : 10_000;
if (!(Number.isInteger(largeRss) && largeRss > 0))
  throw new Error('--size wants a whole number of recipients');
const sizes = quick
  ? { big: 2_000, slow: 200, pair: 200, smallRss: 500 }
  : { big: 10_000, slow: 2_000, pair: 1_000, smallRss: 1_000 };
const rssLimitKiB = 10 * 1024;

// --- Processes' CPU, from /proc (Linux), in seconds --------------------------------------------------------

const ticksPerSecond = 100;
const procCpuSeconds = (pid: number | undefined): number | undefined => {
  if (pid === undefined || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line (11 and 12 after the command).
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
};
const machineTicks = (): { busy: number; total: number } | undefined => {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
};
/** A child of this process whose command line contains `needle` (the SES emulator's node process). */
const childPid = (needle: string): number | undefined => {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== process.pid) continue;
        if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) return Number(entry);
      } catch {
        // Gone meanwhile.
      }
    }
  } catch {
    // No /proc.
  }
  return undefined;
};

// --- The system ------------------------------------------------------------------------------------------

const journalDir = mkdtempSync(join(tmpdir(), 'dropin-bench-send-'));
const journalFile = join(journalDir, 'mail-journal.jsonl');
const tableName = 'bench-send';
const dynamo = await startDynamoDbLocal({ port: await findFreePort() });
const emulator = await startSesEmulatorProcess({ port: 0, journalFile });
const emulatorPid = childPid('ses-emulator-main');
const loadHandler = createHandlerLoader();
const eventFailures: string[] = [];
const proxy = await startSesProxy({
  upstream: emulator.endpoint,
  port: 0,
  publish: sesEventsTarget(loadHandler, (line) => eventFailures.push(line)),
  allowance: { maxSendRate: 200, max24HourSend: -1 },
  log: () => undefined,
});
const tokenSecret = newTokenSecret();
// Before the SES events handler is imported, and inherited by the sender's process.
applyHandlerEnvironment({
  siteUrl: 'http://localhost:3000',
  dynamoDbEndpoint: dynamo.endpoint,
  sesEndpoint: proxy.endpoint,
  tokenSecret,
  tableName,
  logLevel: 'ERROR',
});
const client = new DynamoDBClient({ ...localAwsSettings, endpoint: dynamo.endpoint });
const documents = DynamoDBDocumentClient.from(client);
const mailings = new DynamoMailingStore(documents, tableName);
const ids = timeOrderedIds(systemClock);
const personIds = new PersonIds(tokenSecret);
const allowance = proxy.allowance;
if (!allowance) throw new Error('The proxy has no allowance');

// --- Seeding ---------------------------------------------------------------------------------------------

interface Audience {
  readonly topic: Topic;
  readonly people: readonly { readonly email: string; readonly personId: string }[];
}

/** Eight BatchWrites at a time. */
const writers = { workers: 8 };

/** N confirmed subscribers of one topic, as the subscription store keeps them. */
const seed = async (prefix: string, topic: Topic, count: number): Promise<Audience> => {
  const now = new Date();
  const people = Array.from({ length: count }, (_, i) => {
    const email = `${prefix}-${i}@example.org`;
    return { email, personId: personIds.of(email) };
  });
  const items = people.flatMap((person) =>
    subscriberItems({ ...person, name: `Lid ${prefix} ${i(person.email)}`, topics: [topic] }, now),
  );
  await putItems(documents, tableName, items, writers);
  return { topic, people };
};
const i = (email: string): string => email.split('@')[0]?.split('-').at(-1) ?? '';

/** Takes a case's people out of their topic, so the next case's audience is its own. */
const unseed = async (audience: Audience): Promise<void> => {
  await batchWrite(
    documents,
    tableName,
    audience.people.map(({ personId }) => ({
      DeleteRequest: { Key: keys.topicMember(audience.topic, personId) },
    })),
    writers,
  );
};

const createSendingMailing = async (topic: Topic, label: string): Promise<string> => {
  const now = new Date();
  const draft = newMailing(
    {
      subject: `Bench ${label}`,
      body: `# Bench ${label}\n\nNieuws uit het netwerk.`,
      audience: { topics: [topic] },
    },
    { subject: 'bench', email: 'bench@example.org', name: 'Bench', groups: ['organisers'] },
    { mailingId: ids.next(), now },
  );
  await mailings.create({
    mailing: sendNow(draft, now),
    rendered: {
      html: `<h1>Bench ${label}</h1><p>Nieuws uit het netwerk.</p>`,
      text: `Bench ${label}\n\nNieuws uit het netwerk.`,
    },
  });
  return draft.mailingId;
};

// --- One case --------------------------------------------------------------------------------------------

interface CaseSpec {
  readonly label: string;
  readonly maxSendRate: number;
  readonly enforce: boolean;
  readonly audiences: readonly { readonly topic: Topic; readonly count: number }[];
}

interface CaseResult {
  readonly spec: CaseSpec;
  readonly target: number;
  readonly mails: number;
  readonly achieved: number;
  readonly worst: number;
  readonly duplicates: number;
  readonly missing: number;
  readonly perMailing: readonly { readonly mails: number; readonly achieved: number }[];
  readonly refused: number;
  readonly overLimit: number;
  readonly failedEvents: number;
  readonly peakRssKiB: number | undefined;
  readonly seconds: {
    readonly wall: number;
    readonly sending: number;
    readonly firstMail: number;
    readonly eventsAfter: number;
  };
  readonly cpu: {
    readonly sender?: number;
    readonly emulator?: number;
    readonly dynamo?: number;
    readonly bench: number;
    readonly machine?: number;
  };
  readonly counts: unknown;
  readonly senderErrors: readonly string[];
}

const runCase = async (spec: CaseSpec): Promise<CaseResult> => {
  const stamp = Date.now().toString(36);
  const audiences = await Promise.all(
    spec.audiences.map(({ topic, count }, n) => seed(`${stamp}-${n}`, topic, count)),
  );
  allowance.configure({ maxSendRate: spec.maxSendRate, enforce: spec.enforce, max24HourSend: -1 });
  allowance.resetCounters();
  const mailingIds = await Promise.all(
    audiences.map((audience, n) => createSendingMailing(audience.topic, `${spec.label} ${n}`)),
  );

  const senderErrors: string[] = [];
  const before = {
    at: performance.now(),
    bench: process.cpuUsage(),
    emulator: procCpuSeconds(emulatorPid),
    dynamo: procCpuSeconds(dynamo.pid),
    machine: machineTicks(),
  };
  const startedAtMs = Date.now();
  const sender: MailingSenderProcess = await startMailingSender(
    {
      LOG_LEVEL: 'ERROR',
      DROPIN_SENDER_POLL_MS: '200',
      // A fixed heap, as a Lambda of fixed memory has: V8 then collects instead of growing lazily with the run's
      // length, so the peak shows what the sender keeps. A sender that kept anything per recipient would still
      // grow (up to 96 MB) or die here.
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-old-space-size=96 --max-semi-space-size=2']
        .filter(Boolean)
        .join(' '),
    },
    { log: (line) => senderErrors.push(line) },
  );
  const senderStart = procCpuSeconds(sender.child.pid);
  const total = spec.audiences.reduce((sum, { count }) => sum + count, 0);
  // A bound, not a target: three times the audience at the rate, or at 100/s where the CPU holds the sender
  // below its rate (count-only), plus two minutes (the snapshot of 100,000 alone takes about four here).
  const sustainable = Math.min(massMailRate({ maxSendRate: spec.maxSendRate }), 100);
  const timeoutMs = 120_000 + (3 * total * 1000) / sustainable;
  const until = Date.now() + timeoutMs;
  let finished: unknown[] = [];
  for (;;) {
    const stored = await Promise.all(mailingIds.map((id) => mailings.get(id)));
    if (stored.every((s) => s?.mailing.status === 'sent')) {
      // The counts are on the mailing's progress item (MAILING#<id> / PROGRESS), one attribute each.
      finished = await Promise.all(
        mailingIds.map(async (id) => {
          const { Item } = await documents.send(
            new GetCommand({ TableName: tableName, Key: keys.sendingProgress(id), ConsistentRead: true }),
          );
          const { audience, sent, skipped, failed, inDoubt } = Item ?? {};
          return { audience, sent, skipped, failed, inDoubt };
        }),
      );
      break;
    }
    if (Date.now() > until) {
      senderErrors.push(
        `timed out after ${timeoutMs} ms; statuses ${stored.map((s) => s?.mailing.status).join(', ')}`,
      );
      break;
    }
    await delay(250);
  }
  const senderCpu = procCpuSeconds(sender.child.pid);
  const after = {
    at: performance.now(),
    bench: process.cpuUsage(before.bench),
    emulator: procCpuSeconds(emulatorPid),
    dynamo: procCpuSeconds(dynamo.pid),
    machine: machineTicks(),
  };
  await sender.stop();
  const peak = /peak-rss (\d+)/.exec(sender.output())?.[1];
  // The events SES publishes after the mails (Send, Delivery) are handled one after another: wait for them.
  const eventsFrom = performance.now();
  await Promise.race([proxy.idle(), delay(300_000)]);
  const eventsAfter = (performance.now() - eventsFrom) / 1000;
  const counters = allowance.counters();

  // The journal: each mail of these mailings, when the emulator accepted it, by address.
  const wanted = new Set(mailingIds);
  const byAddress = new Map<string, number>();
  const starts: number[] = [];
  const perMailingStarts = new Map<string, number[]>(mailingIds.map((id) => [id, []]));
  scanMailJournal(journalFile, (record) => {
    const id = record.tags[mailingTag];
    if (id === undefined || !wanted.has(id)) return;
    starts.push(record.at);
    perMailingStarts.get(id)?.push(record.at);
    for (const address of record.destination.to) byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
  });
  const rateOf = (times: readonly number[]): number => {
    if (times.length < 2) return 0;
    const sorted = [...times].sort((a, b) => a - b);
    return ((sorted.length - 1) * 1000) / ((sorted.at(-1) as number) - (sorted[0] as number));
  };
  const target = massMailRate({ maxSendRate: spec.maxSendRate });
  const sortedStarts = [...starts].sort((a, b) => a - b);
  const seededAddresses = audiences.flatMap((audience) => audience.people.map((person) => person.email));
  const wall = (after.at - before.at) / 1000;
  const result: CaseResult = {
    spec,
    target,
    mails: starts.length,
    achieved: rateOf(starts),
    worst: worstWindow(starts, 10_000).ratePerSecond,
    duplicates: [...byAddress.values()].filter((count) => count > 1).length,
    missing: seededAddresses.filter((address) => !byAddress.has(address)).length,
    perMailing: mailingIds.map((id) => {
      const times = perMailingStarts.get(id) ?? [];
      return { mails: times.length, achieved: rateOf(times) };
    }),
    refused: counters.refused.TooManyRequestsException,
    overLimit: counters.overLimit.TooManyRequestsException,
    failedEvents: eventFailures.splice(0).length,
    peakRssKiB: peak === undefined ? undefined : Number(peak),
    seconds: {
      wall,
      sending:
        sortedStarts.length > 1 ? ((sortedStarts.at(-1) as number) - (sortedStarts[0] as number)) / 1000 : 0,
      firstMail: sortedStarts.length > 0 ? ((sortedStarts[0] as number) - startedAtMs) / 1000 : 0,
      eventsAfter,
    },
    cpu: {
      ...(senderCpu !== undefined && senderStart !== undefined
        ? { sender: (senderCpu - senderStart) / wall }
        : {}),
      ...(after.emulator !== undefined && before.emulator !== undefined
        ? { emulator: (after.emulator - before.emulator) / wall }
        : {}),
      ...(after.dynamo !== undefined && before.dynamo !== undefined
        ? { dynamo: (after.dynamo - before.dynamo) / wall }
        : {}),
      bench: (after.bench.user + after.bench.system) / 1e6 / wall,
      ...(after.machine && before.machine
        ? {
            machine:
              ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) *
              cpus().length,
          }
        : {}),
    },
    counts: finished,
    senderErrors,
  };
  await Promise.all(audiences.map(unseed));
  return result;
};

// --- Printing ----------------------------------------------------------------------------------------------

const pct = (share: number | undefined): string =>
  share === undefined ? '   n/a' : `${(share * 100).toFixed(0).padStart(5)}%`;
const ratio = (value: number): string => value.toFixed(3);
const mib = (kib: number | undefined): string =>
  kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`;

const printCase = (r: CaseResult): void => {
  const { spec } = r;
  console.log(
    `\n${spec.label}  (MaxSendRate ${spec.maxSendRate}/s, ${spec.enforce ? 'enforced' : 'count-only'})`,
  );
  console.log(
    `  mails                ${r.mails} of ${spec.audiences.reduce((s, a) => s + a.count, 0)} seeded`,
  );
  console.log(`  target rate          ${r.target.toFixed(1)}/s (MaxSendRate less 10% reserve)`);
  console.log(
    `  achieved             ${r.achieved.toFixed(1)}/s  → achieved ÷ target ${ratio(r.achieved / r.target)}` +
      (r.perMailing.length > 1
        ? `  (per mailing: ${r.perMailing.map((m) => `${m.mails} at ${m.achieved.toFixed(1)}/s`).join(', ')})`
        : ''),
  );
  console.log(`  worst 10-s window    ${r.worst.toFixed(1)}/s  → ÷ target ${ratio(r.worst / r.target)}`);
  console.log(`  duplicates, missing  ${r.duplicates}, ${r.missing}`);
  console.log(
    `  limiter              ${r.refused} refused (TooManyRequests)${spec.enforce ? '' : `, ${r.overLimit} over the rate (count-only)`}`,
  );
  console.log(
    `  time                 first mail ${r.seconds.firstMail.toFixed(1)} s after the sender started (process start, snapshot), ${r.seconds.sending.toFixed(1)} s first→last mail, ${r.seconds.wall.toFixed(1)} s start→sent; SES events drained ${r.seconds.eventsAfter.toFixed(1)} s after`,
  );
  console.log(
    `  CPU (of one core)    sender ${pct(r.cpu.sender)}  SES emulator ${pct(r.cpu.emulator)}  DynamoDB Local ${pct(r.cpu.dynamo)}  bench+proxy+events ${pct(r.cpu.bench)}  | machine ${pct(r.cpu.machine)} of ${cpus().length * 100}%`,
  );
  console.log(`  sender peak RSS      ${mib(r.peakRssKiB)}`);
  console.log(`  mailing counts       ${JSON.stringify(r.counts)}`);
  if (r.failedEvents) console.log(`  SES events given up  ${r.failedEvents}`);
  if (r.senderErrors.length) console.log(`  sender said          ${r.senderErrors.slice(0, 5).join(' | ')}`);
};

/** Names what limits the rate from the CPU figures. */
const bottleneck = (r: CaseResult): string => {
  const parts: [string, number | undefined][] = [
    ['the sender process (one Node thread)', r.cpu.sender],
    ['the SES emulator process (one Node thread)', r.cpu.emulator],
    ['DynamoDB Local (JVM)', r.cpu.dynamo],
    ['this process: SES proxy and SES events handler (one Node thread)', r.cpu.bench],
  ];
  const [name, share] = parts
    .filter((part): part is [string, number] => part[1] !== undefined)
    .sort((a, b) => b[1] - a[1])[0] ?? ['unknown', 0];
  const cores = cpus().length;
  const machine = r.cpu.machine ?? 0;
  const ours = (r.cpu.sender ?? 0) + (r.cpu.emulator ?? 0) + (r.cpu.dynamo ?? 0) + r.cpu.bench;
  const lines = [
    `the busiest of ours is ${name} at ${pct(share).trim()} of a core`,
    `ours together ${pct(ours).trim()}, the machine ${pct(machine).trim()} busy of ${cores * 100}% (so ${pct(Math.max(0, machine - ours)).trim()} by other work)`,
  ];
  if (machine >= cores * 0.85)
    lines.push(
      `so CPU is the limit: the ${cores} cores are saturated${machine - ours > ours ? ', mostly by other work on the machine, and every part (sender, DynamoDB Local, emulator) waits for a core' : ''}`,
    );
  else if (share >= 0.85 && !name.startsWith('DynamoDB')) lines.push(`so that one thread is the limit`);
  else if (r.refused > 0)
    lines.push(`and the limiter refused ${r.refused} sends, each slowing the timetable for a second`);
  else
    lines.push(
      "no process saturated: the latency of the calls per send with the sender's sends in flight limits it",
    );
  // CPU per mail (snapshot included) of each part, and the cores the target rate would take at that cost.
  const perMail = (share: number | undefined) => ((share ?? 0) * r.seconds.wall) / Math.max(1, r.mails);
  const need = (share: number | undefined) => perMail(share) * r.target;
  lines.push(
    `CPU per mail: sender ${(perMail(r.cpu.sender) * 1000).toFixed(1)} ms, DynamoDB Local ${(perMail(r.cpu.dynamo) * 1000).toFixed(1)} ms, this process ${(perMail(r.cpu.bench) * 1000).toFixed(1)} ms, emulator ${(perMail(r.cpu.emulator) * 1000).toFixed(1)} ms; at ${r.target.toFixed(0)}/s that is ${need(ours).toFixed(2)} cores in all (sender ${need(r.cpu.sender).toFixed(2)}, DynamoDB Local ${need(r.cpu.dynamo).toFixed(2)}, this process ${need(r.cpu.bench).toFixed(2)}) of the ${cores} here`,
  );
  return lines.join('; ');
};

// --- The run -----------------------------------------------------------------------------------------------

let failed = false;
try {
  await ensureTable(client, tableName);
  console.log(
    `send benchmark${quick ? ' (quick)' : ''}: DynamoDB Local in memory, SES emulator with journal, SES proxy limiting, sender process; ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const results: CaseResult[] = [];
  const run = async (spec: CaseSpec) => {
    const result = await runCase(spec);
    printCase(result);
    results.push(result);
    return result;
  };
  const big = await run({
    label: `1. ${sizes.big.toLocaleString('en')} recipients at 200/s`,
    maxSendRate: 200,
    enforce: true,
    audiences: [{ topic: 'nieuwsbrief', count: sizes.big }],
  });
  await run({
    label: `2. ${sizes.slow.toLocaleString('en')} recipients at 14/s`,
    maxSendRate: 14,
    enforce: true,
    audiences: [{ topic: 'nieuwsbrief', count: sizes.slow }],
  });
  await run({
    label: `3. two mailings of ${sizes.pair.toLocaleString('en')} started together at 20/s (combined)`,
    maxSendRate: 20,
    enforce: true,
    audiences: [
      { topic: 'nieuwsbrief', count: sizes.pair },
      { topic: 'publicaties', count: sizes.pair },
    ],
  });
  const small = await run({
    label: `4a. RSS: ${sizes.smallRss.toLocaleString('en')} recipients, count-only at 1,000/s`,
    maxSendRate: 1000,
    enforce: false,
    audiences: [{ topic: 'nieuwsbrief', count: sizes.smallRss }],
  });
  const large = await run({
    label: `4b. RSS: ${largeRss.toLocaleString('en')} recipients, count-only at 1,000/s`,
    maxSendRate: 1000,
    enforce: false,
    audiences: [{ topic: 'nieuwsbrief', count: largeRss }],
  });

  console.log('\nsummary');
  console.log(
    '  case                                                        achieved÷target  worst10s÷target  dup  missing  refused',
  );
  for (const r of results) {
    console.log(
      `  ${r.spec.label.padEnd(60)}${ratio(r.achieved / r.target).padStart(15)}${ratio(r.worst / r.target).padStart(17)}${String(r.duplicates).padStart(5)}${String(r.missing).padStart(9)}${String(r.refused).padStart(9)}`,
    );
  }
  const difference =
    small.peakRssKiB !== undefined && large.peakRssKiB !== undefined
      ? large.peakRssKiB - small.peakRssKiB
      : undefined;
  console.log(
    `  sender peak RSS: ${mib(small.peakRssKiB)} at ${sizes.smallRss.toLocaleString('en')}, ${mib(large.peakRssKiB)} at ${largeRss.toLocaleString('en')}; difference ${difference === undefined ? 'n/a' : mib(difference)} (limit ${mib(rssLimitKiB)})`,
  );
  const sustained = big.achieved / big.target >= 0.95 && big.worst / big.target <= 1.05;
  console.log(
    sustained
      ? `  200/s: sustained (${ratio(big.achieved / big.target)} of the target).`
      : `  200/s not sustained here (${ratio(big.achieved / big.target)} of the target): ${bottleneck(big)}.`,
  );
  const problems = [
    ...results
      .filter((r) => r.duplicates > 0 || r.missing > 0)
      .map((r) => `${r.spec.label}: ${r.duplicates} duplicates, ${r.missing} missing`),
    ...(difference === undefined
      ? ['the sender printed no peak RSS']
      : difference > rssLimitKiB
        ? [`peak RSS grew by ${mib(difference)}`]
        : []),
  ];
  if (problems.length) {
    failed = true;
    console.log(`  FAILED: ${problems.join('; ')}`);
  } else {
    console.log('  passed: no duplicates, none missing, peak RSS within the limit');
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  client.destroy();
  await proxy.stop();
  await emulator.stop();
  await dynamo.stop();
  rmSync(journalDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
