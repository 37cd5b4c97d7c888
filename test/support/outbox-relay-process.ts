import { startOutboxRelay } from '../../local/relay/outbox-stream';
import { createHandlerLoader } from '../../local/runtime';

/**
 * An outbox relay in a process of its own, for the crash test: the test starts it with the handler
 * environment in its own environment (pointing SES wherever the test wants) and kills it with SIGKILL, as a
 * Lambda dies, with no chance to clean up. Prints `relay ready` once it reads the stream.
 */
const endpoint = process.env.DYNAMODB_ENDPOINT;
const tableName = process.env.TABLE_NAME;
if (!endpoint || !tableName) throw new Error('Set DYNAMODB_ENDPOINT and TABLE_NAME');

await startOutboxRelay({
  endpoint,
  tableName,
  loadHandler: createHandlerLoader(),
  log: (line) => console.error(line),
});
console.log('relay ready');
