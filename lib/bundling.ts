/**
 * How every Lambda entry is bundled, in one place: the CDK (lib/function-code.ts) and `npm run bench --
 * bundles` both hand `esbuildOptionsFor` to esbuild, so the sizes the benchmark prints and checks are the
 * sizes that deploy. Plain data: no aws-cdk-lib here.
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

/**
 * The package conditions a function's bundle resolves with. `#request-limiter` (package.json `imports`, used by
 * functions/handlers/http/edge.ts) is the request limiter in the bundle of a function that serves a route with
 * a `limit` (functions/routes.ts, `servesLimitedRoute`) and nothing in any other, so only the functions that
 * count requests carry the limiter, its table client and the key it counts with. Chosen here, at build time,
 * because both other ways esbuild offers (a dynamic import, an injected module) make it wrap the table client
 * the handler shares, and keep all of it. `module` is the condition esbuild applies when given none.
 */
export const bundleConditions = ({ countsRequests }: { readonly countsRequests: boolean }): string[] => [
  'module',
  countsRequests ? 'dropin-counts-requests' : 'dropin-counts-nothing',
];

/** The esbuild build options of one entry: the CDK (lib/function-code.ts) and the bundle benchmark build with these. */
export const esbuildOptionsFor = (
  entryPoint: string,
  outfile: string,
  options: { readonly countsRequests: boolean },
) => ({
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
  conditions: bundleConditions(options),
});
