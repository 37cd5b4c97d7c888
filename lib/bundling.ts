/**
 * How every Lambda entry is bundled, in one place: the CDK (lib/app-function.ts) hands these settings to
 * NodejsFunction, and `npm run bench -- bundles` hands the same settings to esbuild directly, so the sizes
 * the benchmark prints and checks are the sizes that deploy. Plain data: no aws-cdk-lib here.
 */

/** The Lambda runtime's Node.js major; esbuild targets it. */
export const lambdaNodeMajor = 24;

/** Lets esbuild's ESM output load the CommonJS dependencies that still call `require`. */
export const esmRequireBanner =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export const functionBundling = {
  format: 'esm',
  platform: 'node',
  target: `node${lambdaNodeMajor}`,
  mainFields: ['module', 'main'],
  banner: esmRequireBanner,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  /** Bundle the AWS SDK: the code is tested against the pinned version, not the runtime's. */
  externalModules: [] as string[],
} as const;

/** The esbuild build options NodejsFunction derives from `functionBundling`, for building an entry directly. */
export const esbuildOptionsFor = (entryPoint: string, outfile: string) => ({
  entryPoints: [entryPoint],
  outfile,
  bundle: true,
  platform: functionBundling.platform,
  target: functionBundling.target,
  format: functionBundling.format,
  mainFields: [...functionBundling.mainFields],
  banner: { js: functionBundling.banner },
  minify: functionBundling.minify,
  sourcemap: functionBundling.sourceMap,
  sourcesContent: functionBundling.sourcesContent,
  external: [...functionBundling.externalModules],
});
