/**
 * What each Lambda carries: every entry of functions/entries.ts is bundled exactly as the CDK bundles it
 * (lib/bundling.ts) and compared with a bare bundle that only builds the SDK clients the entry's `needs` name
 * (a DynamoDB DocumentClient; plus SES v2, Secrets Manager and Scheduler where needed), built in the same run.
 * Prints per function its size, its ratio to that bare bundle, its five largest packages, and how long a
 * fresh Node process takes to import it, as a ratio to importing the bare bundle (the median of alternating
 * fresh-process runs).
 *
 *   npm run bench -- bundles [--check] [--runs=21] [--only=registerApi,home]
 *
 * `--check` exits non-zero when a bundle is over its budget (1.3× its bare bundle, or the budget the entry
 * declares with its reason), or when the import of the largest HTTP function is over its budget in two
 * consecutive measurements (one noisy measurement is not a failure). Without `--check` it only prints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { type EntryName, type LambdaEntry, lambdaEntries } from '../functions/entries';
import { servesLimitedRoute } from '../functions/routes';
import { esbuildOptionsFor } from '../lib/bundling';

const repositoryRoot = path.resolve(import.meta.dirname, '..');

/** The budget of an entry that declares none: its bundle and its import at most 1.3× the bare ones. */
export const defaultBudget = 1.3;

const args = process.argv.slice(2);
const check = args.includes('--check');
const runs = Number(args.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length) ?? 21);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number`);
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = only?.filter((name) => !Object.hasOwn(lambdaEntries, name)) ?? [];
if (unknown.length > 0) throw new Error(`--only names no entry ${unknown.join(', ')}`);

/** The SDK clients a need brings, as the bare bundle builds them. */
const bareClients = {
  dynamo: {
    imports: [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    ],
    build: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
  },
  mail: {
    imports: ["import { SESv2Client } from '@aws-sdk/client-sesv2';"],
    build: 'new SESv2Client({})',
  },
  tokens: {
    imports: ["import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';"],
    build: 'new SecretsManagerClient({})',
  },
  scheduler: {
    imports: ["import { SchedulerClient } from '@aws-sdk/client-scheduler';"],
    build: 'new SchedulerClient({})',
  },
  // The reports' PDFs: the S3 client and both presigners (an upload form, a download link).
  documents: {
    imports: [
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { createPresignedPost } from '@aws-sdk/s3-presigned-post';",
      "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
    ],
    build: 'Object.assign(new S3Client({}), { createPresignedPost, getSignedUrl })',
  },
} as const;
type BareClient = keyof typeof bareClients;

/**
 * DynamoDB is the floor of every bare bundle, also for the few functions that never touch the table (the home
 * page, the 404): the budget is "what the function adds to the smallest real function", and a bundle without
 * any client is no yardstick for one (those functions are some 20 KB).
 */
const clientsOf = (entry: LambdaEntry): BareClient[] => [
  'dynamo',
  // Reading the SES account (GetAccount) is the SES client too.
  ...(entry.needs.mail || entry.needs.sendingAccount ? (['mail'] as const) : []),
  ...(entry.needs.tokens || entry.needs.personIds ? (['tokens'] as const) : []),
  ...(entry.needs.scheduler ? (['scheduler'] as const) : []),
  ...(entry.needs.reportDocuments ? (['documents'] as const) : []),
];

/** A handler that builds the clients once per process, as a function would, and uses them. */
const bareSource = (clients: readonly BareClient[]): string =>
  [
    ...clients.flatMap((client) => bareClients[client].imports),
    `const clients = [${clients.map((client) => bareClients[client].build).join(', ')}];`,
    'export const handler = async () => clients.map((client) => typeof client.send).join();',
  ].join('\n');

/** The environment a function gets in AWS (functions/config.ts), with placeholder values. */
const functionEnvironment = {
  ...process.env,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'bench',
  PUBLIC_BASE_URL: 'https://dropin.example.org',
  MAIL_FROM_ADDRESS: 'nieuws@dropin.example.org',
  SES_CONFIGURATION_SET: 'bench',
  TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench',
  LINK_KEYS_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-link-keys',
  SCHEDULER_GROUP: 'bench',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench',
  SCHEDULER_TARGET_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:bench',
  REPORT_DOCUMENTS_BUCKET: 'bench-documents',
  SERVICE_NAME: 'dropin',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

interface Bundle {
  readonly file: string;
  readonly bytes: number;
  readonly packages: readonly { name: string; bytes: number }[];
}

const packageOf = (input: string): string => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const [first = '', second = ''] = input.slice(at + 'node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
};

const packagesOf = (metafile: Metafile, outfile: string) => {
  const output = Object.entries(metafile.outputs).find(([file]) => path.resolve(file) === outfile)?.[1];
  if (!output) throw new Error(`esbuild reported no output ${outfile}`);
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  return [...bytes].map(([name, size]) => ({ name, bytes: size })).sort((a, b) => b.bytes - a.bytes);
};

const bundle = async (
  outDir: string,
  name: string,
  entry: string | { source: string },
  countsRequests = false,
) => {
  const outfile = path.join(outDir, name, 'index.mjs');
  const options = esbuildOptionsFor(typeof entry === 'string' ? entry : '', outfile, {
    countsRequests,
  });
  const result = await build({
    ...options,
    ...(typeof entry === 'string'
      ? {}
      : {
          entryPoints: [],
          stdin: { contents: entry.source, resolveDir: repositoryRoot, loader: 'ts' as const },
        }),
    absWorkingDir: repositoryRoot,
    metafile: true,
    logLevel: 'error',
  });
  return { file: outfile, bytes: statSync(outfile).size, packages: packagesOf(result.metafile, outfile) };
};

/** Milliseconds a fresh Node process spends importing the bundle (loading and evaluating its module). */
const importMs = (file: string): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: functionEnvironment,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`Importing ${file} failed:\n${run.stderr}`);
  return Number(run.stdout);
};

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** The import time of a bundle as a ratio to its bare bundle: medians of runs taken in turn, one each. */
const importRatio = (fn: Bundle, bare: Bundle) => {
  const fnMs: number[] = [];
  const bareMs: number[] = [];
  importMs(fn.file); // warms the file cache for both
  importMs(bare.file);
  for (let run = 0; run < runs; run++) {
    fnMs.push(importMs(fn.file));
    bareMs.push(importMs(bare.file));
  }
  return { ms: median(fnMs), bareMs: median(bareMs), ratio: median(fnMs) / median(bareMs) };
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

const outDir = mkdtempSync(path.join(tmpdir(), 'dropin-bundles-'));
try {
  const entries = (Object.entries(lambdaEntries) as [EntryName, LambdaEntry][]).filter(
    ([name]) => !only || only.includes(name),
  );
  const bares = new Map<string, Promise<Bundle>>();
  const bareOf = (clients: readonly BareClient[]) => {
    const key = clients.join('+');
    if (!bares.has(key)) bares.set(key, bundle(outDir, `bare-${key}`, { source: bareSource(clients) }));
    return bares.get(key) as Promise<Bundle>;
  };
  const measured = await Promise.all(
    entries.map(async ([name, entry]) => {
      const clients = clientsOf(entry);
      const [fn, bare] = await Promise.all([
        bundle(outDir, name, path.join(repositoryRoot, 'functions', entry.file), servesLimitedRoute(name)),
        bareOf(clients),
      ]);
      const budget = entry.budget?.ratio ?? defaultBudget;
      return { name, entry, clients, fn, bare, budget, ratio: fn.bytes / bare.bytes };
    }),
  );

  // Import time: every function when printing; under --check the largest HTTP function, which the budget is on.
  const http = measured.filter((m) => m.entry.trigger === undefined).sort((a, b) => b.fn.bytes - a.fn.bytes);
  const timed = check ? http.slice(0, 1) : measured;
  if (check && timed.length === 0) throw new Error('--check needs an HTTP function to time the import of');
  const imports = new Map<string, ReturnType<typeof importRatio>>();
  for (const m of timed) imports.set(m.name, importRatio(m.fn, m.bare));

  console.log(
    `Bundles as the CDK builds them (lib/bundling.ts); import: median of ${runs} fresh processes each`,
  );
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const header = [
    'function',
    'size',
    'bare (clients)',
    'size ×',
    'budget',
    'import ms',
    'import ×',
    'largest packages',
  ];
  console.log(row(header));
  console.log(row(header.map(() => '---')));
  for (const m of measured) {
    const timing = imports.get(m.name);
    console.log(
      row([
        m.name,
        kb(m.fn.bytes),
        `${kb(m.bare.bytes)} (${m.clients.join('+')})`,
        `${m.ratio.toFixed(2)}×`,
        `${m.budget}×`,
        timing ? `${timing.ms.toFixed(0)} vs ${timing.bareMs.toFixed(0)}` : '–',
        timing ? `${timing.ratio.toFixed(2)}×` : '–',
        m.fn.packages
          .slice(0, 5)
          .map((p) => `${p.name} ${kb(p.bytes)}`)
          .join(', '),
      ]),
    );
  }

  const overSize = measured.filter((m) => m.ratio > m.budget);
  for (const m of overSize) {
    console.log(
      `over budget: ${m.name} is ${m.ratio.toFixed(2)}× its bare bundle (budget ${m.budget}×, ${Math.ceil(m.fn.bytes - m.budget * m.bare.bytes)} bytes over)`,
    );
  }
  // One noisy measurement is not a failure: under --check an import over budget is measured once more.
  const overImport: string[] = [];
  for (const [name, timing] of check ? imports : []) {
    const m = measured.find((candidate) => candidate.name === name);
    if (!m || timing.ratio <= m.budget) continue;
    const again = importRatio(m.fn, m.bare);
    console.log(
      `import of ${name} over budget (${timing.ratio.toFixed(2)}×); measured again: ${again.ratio.toFixed(2)}×`,
    );
    if (again.ratio > m.budget) overImport.push(name);
  }
  for (const name of overImport) console.log(`over budget twice in a row: importing ${name}`);
  if (check && (overSize.length > 0 || overImport.length > 0)) process.exitCode = 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
