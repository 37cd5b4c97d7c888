/**
 * The benchmarks, by name: `npm run bench -- <name> [arguments]`.
 *   registration-race  registering under a rush against DynamoDB Local (the default)
 *   bundles            what each Lambda bundle carries and how long it takes to import
 *   send               a mailing against the limited SES emulator: rate, worst window, once, sender RSS
 */
const benchmarks = {
  'registration-race': () => import('./registration-race'),
  bundles: () => import('./bundles'),
  send: () => import('./send'),
} as const;

const [first, ...rest] = process.argv.slice(2);
const named = first !== undefined && Object.hasOwn(benchmarks, first);
const name = (named ? first : 'registration-race') as keyof typeof benchmarks;
if (named) process.argv.splice(2, process.argv.length, ...rest);
await benchmarks[name]();

export {};
