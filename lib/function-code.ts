import * as path from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { esbuildOptionsFor } from './bundling';

/** The file a bundle is written to; the function's handler is `index.handler`. */
const bundleFile = 'index.mjs';

/**
 * Bundles one entry in the CDK's own process with esbuild's API and exactly the options of lib/bundling.ts,
 * the ones `npm run bench -- bundles` builds with. NodejsFunction started `npx --no-install esbuild` for every
 * function instead: `cdk synth` of the 80 functions took 95 s, of which 86 s bundling; in process the 80
 * bundles take some 18 s.
 *
 * The entry and the conditions are public fields, not only closure: the CDK caches a bundle under the JSON of
 * its bundling options, so two functions of one source folder would otherwise share the first one's bundle
 * (test/infra/function-code.test.ts bundles two entries and holds them apart).
 */
class InProcessBundling implements ILocalBundling {
  constructor(
    readonly entry: string,
    readonly countsRequests: boolean,
  ) {}

  tryBundle(outputDir: string): boolean {
    buildSync({
      ...esbuildOptionsFor(this.entry, path.join(outputDir, bundleFile), {
        countsRequests: this.countsRequests,
      }),
      logLevel: 'warning',
    });
    return true;
  }
}

/**
 * The code of one function: its entry bundled as above. With `aws:cdk:bundling-stacks` empty (the infra
 * tests), the CDK skips the bundling and hashes the asset by its construct path instead.
 */
export const bundledFunctionCode = (
  functionsDir: string,
  entryFile: string,
  options: { readonly countsRequests: boolean },
): lambda.Code =>
  lambda.Code.fromAsset(functionsDir, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      local: new InProcessBundling(path.join(functionsDir, entryFile), options.countsRequests),
      // Required by the type; never pulled, as the local bundling above never declines.
      image: DockerImage.fromRegistry('dropin/no-docker-bundling'),
    },
  });

export const bundledHandler = `${path.basename(bundleFile, '.mjs')}.handler`;
