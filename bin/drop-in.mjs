#!/usr/bin/env node
// `drop-in`, the organiser's command line (bin/drop-in/main.ts), run from the TypeScript source with tsx.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
let run;
try {
  const { register } = await import('tsx/esm/api');
  register();
  ({ run } = await import('./drop-in/main.ts'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  const root = new URL('..', import.meta.url).pathname;
  process.stderr.write(
    `drop-in: een onderdeel ontbreekt (${error.message.split('\n')[0]}).\nVoer eerst \`npm install\` uit in ${root}.\n`,
  );
  process.exit(1);
}
process.exitCode = await run(process.argv.slice(2));
