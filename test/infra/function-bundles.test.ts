import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EntryName, type LambdaEntry, lambdaEntries } from '../../functions/entries';
import { servesLimitedRoute } from '../../functions/routes';
import { esbuildOptionsFor } from '../../lib/bundling';

/**
 * What each function's bundle holds, built with the CDK's own bundling settings (lib/bundling.ts): an SDK
 * client is in a bundle exactly when the entry's `needs` name it, so a function that never mails carries no
 * SES client and one that never signs no Secrets Manager client. The sizes are the benchmark's business
 * (`npm run bench -- bundles`); this is about what is wired, which a size budget alone would not catch.
 */
const root = path.resolve(import.meta.dirname, '../..');
const inputs = new Map<EntryName, readonly string[]>();

const bundleInputs = async (name: EntryName, entry: LambdaEntry): Promise<readonly string[]> => {
  const result = await build({
    ...esbuildOptionsFor(path.join(root, 'functions', entry.file), path.join(root, 'cdk.out/bundle.mjs'), {
      countsRequests: servesLimitedRoute(name),
    }),
    absWorkingDir: root,
    write: false,
    metafile: true,
    sourcemap: false,
    logLevel: 'error',
  });
  return Object.keys((result.metafile as Metafile).inputs);
};

const carries = (files: readonly string[], packagePath: string) =>
  files.some((file) => file.includes(`node_modules/${packagePath}/`));

const entries = Object.entries(lambdaEntries) as [EntryName, LambdaEntry][];

beforeAll(async () => {
  for (const [name, entry] of entries) inputs.set(name, await bundleInputs(name, entry));
}, 120_000);

describe.each(entries)('the bundle of %s', (name, entry) => {
  const files = () => inputs.get(name) ?? [];

  it('carries the SDK clients its needs name, and no other', () => {
    expect({
      dynamodb: carries(files(), '@aws-sdk/client-dynamodb'),
      sesv2: carries(files(), '@aws-sdk/client-sesv2'),
      secretsManager: carries(files(), '@aws-sdk/client-secrets-manager'),
      scheduler: carries(files(), '@aws-sdk/client-scheduler'),
      s3: carries(files(), '@aws-sdk/client-s3'),
    }).toEqual({
      // A limited route's requests are counted in the table, under a hash keyed with the person-id key.
      dynamodb: entry.needs.table !== undefined || servesLimitedRoute(name),
      // SendEmail, and GetAccount (the sending standing) from the same client.
      sesv2: entry.needs.mail === true || entry.needs.sendingAccount === true,
      secretsManager:
        entry.needs.tokens === true || entry.needs.personIds === true || servesLimitedRoute(name),
      scheduler: entry.needs.scheduler === true,
      s3: entry.needs.reportDocuments !== undefined,
    });
  });

  it('carries the request limiter exactly when it serves a route with a limit', () => {
    // The edge loads the limiter only where the route table asks for it (lib/bundling.ts): a function that
    // serves no limited route must not pay for it.
    expect(files().some((file) => file.endsWith('functions/handlers/http/request-limits.ts'))).toBe(
      servesLimitedRoute(name),
    );
  });

  it("carries zod's tree-shakable form only, and nothing of the CDK", () => {
    expect(files().filter((file) => /node_modules\/zod\/(v4\/)?classic\//.test(file))).toEqual([]);
    expect(files().filter((file) => /node_modules\/(aws-cdk-lib|constructs)\//.test(file))).toEqual([]);
  });
});
