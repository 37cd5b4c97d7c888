import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { PortInUse } from '../setup-errors';
import { assertPortFree } from './ports';

type StartEmulator = (config?: { host?: string; port?: number }) => Promise<Server>;

/**
 * aws-ses-v2-local is CommonJS with an `exports.default`; how ESM sees that differs between Node, tsx and
 * vitest, so it is loaded with `require`, where `.default` is always the start function.
 */
const startEmulator = (): StartEmulator =>
  (createRequire(import.meta.url)('aws-ses-v2-local') as { default: StartEmulator }).default;

export interface SesEmulatorOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1: the emulator would otherwise listen on every interface (`::`). */
  readonly host?: string;
  /** Environment variable that chooses the port, named in the error when the port is taken. */
  readonly portVariable?: string;
}

export interface SesEmulator {
  /** The SES v2 endpoint for the SDK client; its page `/` shows the mailbox. */
  readonly endpoint: string;
  readonly port: number;
  readonly mailbox: Mailbox;
  stop(): Promise<void>;
}

/**
 * Runs the SES v2 emulator in this process. It keeps every mail in memory (one store per process, shared by
 * every emulator started in it), so mail is gone after a restart, as in a test inbox.
 */
export const startSesEmulator = async (options: SesEmulatorOptions): Promise<SesEmulator> => {
  const host = options.host ?? '127.0.0.1';
  if (options.port !== 0) await assertPortFree(options.port, host, 'SES emulator', options.portVariable);
  const server = await startEmulator()({ host, port: options.port });
  // The emulator resolves even when listen failed (express hands the error to its callback): check.
  if (!server.listening) throw new PortInUse(options.port, 'SES emulator', options.portVariable);
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    mailbox: new Mailbox(endpoint),
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
};

/** A mail as the emulator stores it (`GET /store`). */
export interface StoredMail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: readonly string[];
  readonly destination: {
    readonly to: readonly string[];
    readonly cc: readonly string[];
    readonly bcc: readonly string[];
  };
  readonly subject: string;
  readonly body: { readonly html?: string; readonly text?: string };
  /** Extra headers of `Content.Simple` mails, e.g. List-Unsubscribe. */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  readonly attachments: readonly {
    /** Base64. */
    readonly content: string;
    readonly contentType: string;
    readonly filename?: string;
    readonly size: number;
  }[];
  /** Epoch seconds when the emulator accepted the mail. */
  readonly at: number;
}

/** `Name <a@example.org>` or `a@example.org` → `a@example.org`, lower-cased. */
const bareAddress = (recipient: string): string =>
  (/<([^>]+)>\s*$/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase();

/**
 * Reads the emulator's inbox over HTTP, for tests and `npm run local -- mailbox`. The inbox is shared by
 * everything that sends through the emulator: filter by recipient instead of clearing it in parallel tests.
 */
export class Mailbox {
  constructor(readonly endpoint: string) {}

  /** Every stored mail, oldest first; with `since`, those accepted in or after that second. */
  async list(since?: Date): Promise<StoredMail[]> {
    const url = new URL('/store', this.endpoint);
    if (since) url.searchParams.set('since', String(Math.floor(since.getTime() / 1000)));
    const response = await fetch(url);
    if (!response.ok) throw new Error(`The SES emulator answered ${response.status} on GET /store`);
    const store = (await response.json()) as { emails: StoredMail[] };
    return store.emails;
  }

  /** The mails to one address (To, Cc or Bcc). */
  async to(address: string, since?: Date): Promise<StoredMail[]> {
    const wanted = bareAddress(address);
    const mails = await this.list(since);
    return mails.filter((mail) =>
      [...mail.destination.to, ...mail.destination.cc, ...mail.destination.bcc].some(
        (recipient) => bareAddress(recipient) === wanted,
      ),
    );
  }

  /** Polls until a mail satisfies `accept`; mail sent through an outbox arrives a moment after the request. */
  async waitFor(
    accept: (mail: StoredMail) => boolean,
    { timeoutMs = 5_000, since }: { timeoutMs?: number; since?: Date } = {},
  ): Promise<StoredMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.list(since)).find(accept);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`No matching mail arrived within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Empties the whole inbox (every test and client sees it emptied). */
  async clear(): Promise<void> {
    const response = await fetch(new URL('/clear-store', this.endpoint), { method: 'POST' });
    if (!response.ok) throw new Error(`The SES emulator answered ${response.status} on POST /clear-store`);
  }
}

/** The value of a header of a stored mail, case-insensitively; undefined when absent. */
export const mailHeader = (mail: StoredMail, name: string): string | undefined =>
  mail.headers?.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;
