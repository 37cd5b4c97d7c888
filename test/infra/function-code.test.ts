import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lambdaEntries } from '../../functions/entries';
import { repositoryRoot } from '../../lib/app-function';
import { bundledFunctionCode, bundledHandler } from '../../lib/function-code';

/**
 * The in-process bundling (lib/function-code.ts) with bundling on, as `cdk synth` runs it (the other infra
 * tests skip bundling): the CDK caches bundles under their options' JSON, so two entries of the one source
 * folder must get two bundles, not the first one twice.
 */
describe('functions bundled in the CDK’s process', () => {
  it('gives each entry its own bundle', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'dropin-function-code-'));
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundleTest');
    const functionsDir = join(repositoryRoot, 'functions');
    for (const name of ['notFound', 'organiserMe'] as const) {
      new lambda.Function(stack, name, {
        code: bundledFunctionCode(functionsDir, lambdaEntries[name].file, { countsRequests: false }),
        handler: bundledHandler,
        runtime: lambda.Runtime.NODEJS_24_X,
      });
    }
    const keys = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map(
      (fn) => (fn.Properties.Code as { S3Key: string }).S3Key,
    );
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
  });
});
