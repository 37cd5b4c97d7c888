#!/usr/bin/env node
// `drop-in`, the organiser's command line (bin/drop-in/main.ts), run from the TypeScript source with tsx.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
register();
const { run } = await import('./drop-in/main.ts');
process.exitCode = await run(process.argv.slice(2));
