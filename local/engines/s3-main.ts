import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type S3ServerChildOptions, s3CredentialsOffline } from './s3';

/**
 * The local S3 server's own process (s3.ts starts it): @20minutes/s3rver on the options given as JSON in the
 * first argument; prints one JSON line, `{"port":…}` once it listens or `{"error":…}`, then runs until its
 * parent closes stdin (the parent ended, however) or sends SIGTERM. Ctrl-C and a closed terminal reach the
 * whole process group: they are left to the parent, which stops this process with the other engines.
 */
const options = JSON.parse(process.argv[2] ?? '{}') as S3ServerChildOptions;

/**
 * SigV4 encodes query values as RFC 3986 does, `!'()*` included; s3rver 4.0.4 rebuilds the canonical query
 * with the global encodeURIComponent, which leaves those five as they are. A presigned GET whose
 * response-content-disposition carries `filename*=UTF-8''…` would then fail its signature here and pass in AWS.
 * This process runs nothing but the server, so here encodeURIComponent encodes them as SigV4 does (s3rver
 * uses it for nothing else: its own RFC 3986 helper gives the same with either).
 */
const plainEncodeURIComponent = globalThis.encodeURIComponent;
globalThis.encodeURIComponent = (component: string | number | boolean): string =>
  plainEncodeURIComponent(component).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );

interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  readonly httpServer?: { closeAllConnections(): void };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;
interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}

const report = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const xmlText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The bucket's CORS rules: the site's pages may post the upload form and read the answer. */
const corsConfiguration = (origins: readonly string[]): string =>
  [
    '<CORSConfiguration><CORSRule>',
    ...origins.map((origin) => `<AllowedOrigin>${xmlText(origin)}</AllowedOrigin>`),
    '<AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>',
    '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>',
    '</CORSRule></CORSConfiguration>',
  ].join('');

try {
  // CommonJS without types; loaded after the patch above, though s3rver reads the global only per request.
  const requireHere = createRequire(import.meta.url);
  const S3rver = requireHere('@20minutes/s3rver') as S3rverConstructor;
  // s3rver knows one key pair (S3RVER); the functions sign with the offline credentials every local client uses.
  const { DUMMY_ACCOUNT } = requireHere('@20minutes/s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: S3rverAccount;
  };
  DUMMY_ACCOUNT.createKeyPair(s3CredentialsOffline.accessKeyId, s3CredentialsOffline.secretAccessKey);

  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: options.host,
    port: options.port,
    directory: options.directory,
    // Its request log would fill the terminal of `npm start`.
    silent: true,
    // Path-style addresses only (127.0.0.1/<bucket>/<key>), as the functions' client uses offline.
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({
      name,
      configs: options.corsOrigins.length > 0 ? [corsConfiguration(options.corsOrigins)] : [],
    })),
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      report({ error: 'port-in-use' });
      process.exit(1);
    }
    throw error;
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Open connections (a browser's kept-alive socket) would hold the close.
    server.httpServer?.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
    void server.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  report({ port: address.port });
} catch (error) {
  report({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
