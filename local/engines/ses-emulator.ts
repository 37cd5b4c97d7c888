import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { PortInUse } from '../setup-errors';
import { type JournalPlace, MailJournal, type MailJournalRecord } from './mail-journal';
import {
  type MailSummary,
  mailboxPageSecurity,
  renderMailboxPage,
  renderMailPage,
  renderMissingMailPage,
} from './mailbox-page';
import { assertPortFree } from './ports';

type StartEmulator = (config?: { host?: string; port?: number }) => Promise<Server>;
/** The emulator's mail as it keeps it (aws-ses-v2-local/dist/store). */
interface EmulatorMail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: string[];
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { html?: string; text?: string };
  readonly attachments: { content: string; contentType: string; filename?: string; size: number }[];
  readonly headers?: { name: string; value: string }[];
}
interface EmulatorStore {
  getStoreReadonly(): { emails: EmulatorMail[] };
  clearStore(): void;
}

/**
 * aws-ses-v2-local is CommonJS with an `exports.default`; how ESM sees that differs between Node, tsx and
 * vitest, so it is loaded with `require`, where `.default` is always the start function. Its store is one
 * module-wide array, read here by message id.
 */
const requireHere = createRequire(import.meta.url);
const startEmulator = (): StartEmulator =>
  (requireHere('aws-ses-v2-local') as { default: StartEmulator }).default;
const emulatorStore = (): EmulatorStore => requireHere('aws-ses-v2-local/dist/store') as EmulatorStore;

export interface SesEmulatorOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1: the emulator would otherwise listen on every interface (`::`). */
  readonly host?: string;
  /** Environment variable that chooses the port, named in the error when the port is taken. */
  readonly portVariable?: string;
  /**
   * The mail journal (mail-journal.ts): every accepted mail is appended to it before SendEmail is answered,
   * and the mailbox is read from it, so it survives a restart. Default none: the mailbox is in memory.
   */
  readonly journalFile?: string;
}

export interface SesEmulator {
  /** The SES v2 endpoint for the SDK client; its page `/` shows the mailbox. */
  readonly endpoint: string;
  readonly port: number;
  readonly mailbox: Mailbox;
  stop(): Promise<void>;
}

const sendEmailPath = '/v2/email/outbound-emails';

/** Shaped like SES's message ids (aws-ses-v2-local's nine random digits repeat within 100,000 mails). */
const sesMessageId = (): string => `0102${Date.now().toString(16).padStart(12, '0')}-${randomUUID()}-000000`;

const tagsOf = (body: Buffer): Record<string, string> => {
  try {
    const request = JSON.parse(body.toString('utf8')) as { EmailTags?: unknown };
    const tags: Record<string, string> = {};
    if (Array.isArray(request.EmailTags)) {
      for (const tag of request.EmailTags as { Name?: unknown; Value?: unknown }[]) {
        if (typeof tag?.Name === 'string' && typeof tag.Value === 'string') tags[tag.Name] = tag.Value;
      }
    }
    return tags;
  } catch {
    return {};
  }
};

interface SimpleRequest {
  FromEmailAddress?: unknown;
  ReplyToAddresses?: unknown;
  Destination?: { ToAddresses?: unknown; CcAddresses?: unknown; BccAddresses?: unknown };
  Content?: {
    Simple?: {
      Subject?: { Data?: unknown };
      Body?: { Html?: { Data?: unknown }; Text?: { Data?: unknown } };
      Headers?: unknown;
      Attachments?: unknown;
    };
  };
}
const strings = (value: unknown): string[] | undefined =>
  value === undefined
    ? []
    : Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? value
      : undefined;
const optionalString = (value: unknown): string | undefined | false =>
  value === undefined ? undefined : typeof value === 'string' ? value : false;

/**
 * A SendEmail request with `Content.Simple` as aws-ses-v2-local stores it (v2/sendEmail.js: a subject, a
 * sender and a body required), or undefined when it is anything else or not valid: then the emulator answers.
 */
const simpleMailOf = (body: Buffer): EmulatorMail | undefined => {
  let request: SimpleRequest;
  try {
    request = JSON.parse(body.toString('utf8')) as SimpleRequest;
  } catch {
    return undefined;
  }
  const simple = request?.Content?.Simple;
  if (!simple || typeof simple !== 'object' || 'Raw' in (request.Content ?? {})) return undefined;
  const from = request.FromEmailAddress;
  const subject = simple.Subject?.Data;
  const html = optionalString(simple.Body?.Html?.Data);
  const text = optionalString(simple.Body?.Text?.Data);
  const to = strings(request.Destination?.ToAddresses);
  const cc = strings(request.Destination?.CcAddresses);
  const bcc = strings(request.Destination?.BccAddresses);
  const replyTo = strings(request.ReplyToAddresses);
  const headers = simple.Headers ?? [];
  const attachments = simple.Attachments ?? [];
  if (
    typeof from !== 'string' ||
    !from ||
    typeof subject !== 'string' ||
    !subject ||
    html === false ||
    text === false ||
    !(html || text) ||
    !to ||
    !cc ||
    !bcc ||
    !replyTo ||
    !Array.isArray(headers) ||
    !headers.every((header) => typeof header?.Name === 'string' && typeof header.Value === 'string') ||
    !Array.isArray(attachments) ||
    !attachments.every(
      (attachment) =>
        typeof attachment?.FileName === 'string' &&
        typeof attachment.RawContent === 'string' &&
        (attachment.ContentType === undefined || typeof attachment.ContentType === 'string'),
    )
  ) {
    return undefined;
  }
  return {
    messageId: '',
    from,
    replyTo,
    destination: { to, cc, bcc },
    subject,
    body: { ...(html === undefined ? {} : { html }), ...(text === undefined ? {} : { text }) },
    attachments: (attachments as { FileName: string; RawContent: string; ContentType?: string }[]).map(
      (attachment) => ({
        content: attachment.RawContent,
        contentType: attachment.ContentType ?? 'application/octet-stream',
        filename: attachment.FileName,
        size: Buffer.from(attachment.RawContent, 'base64').length,
      }),
    ),
    headers: (headers as { Name: string; Value: string }[]).map(({ Name, Value }) => ({
      name: Name,
      value: Value,
    })),
  };
};

const recordOf = (
  mail: EmulatorMail,
  messageId: string,
  at: number,
  tags: Record<string, string>,
): MailJournalRecord => ({
  messageId,
  at,
  from: mail.from,
  replyTo: mail.replyTo ?? [],
  destination: {
    to: mail.destination.to ?? [],
    cc: mail.destination.cc ?? [],
    bcc: mail.destination.bcc ?? [],
  },
  subject: mail.subject,
  ...(mail.body.html === undefined ? {} : { html: mail.body.html }),
  ...(mail.body.text === undefined ? {} : { text: mail.body.text }),
  headers: (mail.headers ?? []).map(({ name, value }) => ({ name, value })),
  attachments: mail.attachments.map(({ content, contentType, filename, size }) => ({
    ...(filename === undefined ? {} : { filename }),
    contentType,
    size,
    content,
  })),
  tags,
});

const storedMailOf = (record: MailJournalRecord): StoredMail => ({
  messageId: record.messageId,
  from: record.from,
  replyTo: record.replyTo,
  destination: record.destination,
  subject: record.subject,
  body: {
    ...(record.html === undefined ? {} : { html: record.html }),
    ...(record.text === undefined ? {} : { text: record.text }),
  },
  // As aws-ses-v2-local stores them: no headers and no tags are absent, not empty.
  ...(record.headers.length === 0 ? {} : { headers: record.headers }),
  attachments: record.attachments.map(({ content, contentType, filename, size }) => ({
    content: content ?? '',
    contentType,
    ...(filename === undefined ? {} : { filename }),
    size,
  })),
  at: Math.floor(record.at / 1000),
  ...(Object.keys(record.tags).length === 0 ? {} : { tags: record.tags }),
});

interface Entry extends MailSummary {
  /** Where the mail is in the journal, when there is one… */
  readonly place?: JournalPlace;
  /** …or the mail itself. */
  readonly record?: MailJournalRecord;
}

const summaryOf = (record: MailJournalRecord): MailSummary => ({
  messageId: record.messageId,
  at: record.at,
  from: record.from,
  to: record.destination.to,
  cc: record.destination.cc,
  bcc: record.destination.bcc,
  subject: record.subject,
});

/** The mailbox: a summary of every mail in memory; the mails themselves in the journal (or in memory). */
class MailStore {
  readonly entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();

  private constructor(private readonly journal?: MailJournal) {}

  static async open(journalFile: string | undefined): Promise<MailStore> {
    if (journalFile === undefined) return new MailStore();
    const loaded: Entry[] = [];
    const journal = await MailJournal.open(journalFile, (record, place) =>
      loaded.push({ ...summaryOf(record), place }),
    );
    const store = new MailStore(journal);
    for (const entry of loaded) store.#index(entry);
    return store;
  }

  async add(record: MailJournalRecord): Promise<void> {
    const place = this.journal ? await this.journal.append(record) : undefined;
    this.#index({ ...summaryOf(record), ...(place ? { place } : { record }) });
  }

  find(messageId: string): Entry | undefined {
    return this.#byId.get(messageId);
  }

  read(entry: Entry): MailJournalRecord {
    if (entry.record) return entry.record;
    if (!this.journal || !entry.place) throw new Error(`Mail ${entry.messageId} has no place`);
    return this.journal.read(entry.place);
  }

  async clear(): Promise<void> {
    await this.journal?.clear();
    this.entries.length = 0;
    this.#byId.clear();
  }

  close(): Promise<void> {
    return this.journal?.close() ?? Promise.resolve();
  }

  #index(entry: Entry): void {
    this.entries.push(entry);
    this.#byId.set(entry.messageId, entry);
  }
}

/** `Name <a@example.org>` or `a@example.org` → `a@example.org`, lower-cased. */
const bareAddress = (recipient: string): string =>
  (/<([^>]+)>\s*$/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase();

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

const readBody = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

const listen = (server: Server, port: number, host: string, portVariable?: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUse(port, 'SES emulator', portVariable) : error),
    );
    server.listen(port, host, () => resolve());
  });

/**
 * Runs the SES v2 emulator in this process: aws-ses-v2-local on a port of its own, behind a front on the
 * given port that answers SendEmail with a unique SES-like message id once the mail is in the mailbox (the
 * journal, when given), and serves the mailbox itself: `GET /store` (JSON; `since` in epoch seconds, `to` an
 * address, `last` the newest so many; `total` counts the matches), `POST /clear-store`, the page `/` and each
 * mail at `/mail/<message id>`. Everything else goes to aws-ses-v2-local. `startSesEmulatorProcess`
 * (ses-emulator-process.ts) runs this in a child process.
 */
export const startSesEmulator = async (options: SesEmulatorOptions): Promise<SesEmulator> => {
  const host = options.host ?? '127.0.0.1';
  if (options.port !== 0) await assertPortFree(options.port, host, 'SES emulator', options.portVariable);
  const store = await MailStore.open(options.journalFile);
  const inner = await startEmulator()({ host: '127.0.0.1', port: 0 });
  // The emulator resolves even when listen failed (express hands the error to its callback): check.
  if (!inner.listening) {
    await store.close();
    throw new Error('The SES emulator could not listen');
  }
  const innerPort = (inner.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true });

  const forward = (
    request: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !hopByHop.has(name.toLowerCase())),
      );
      const outgoing = httpRequest(
        {
          hostname: '127.0.0.1',
          port: innerPort,
          method: request.method,
          path: request.url,
          headers: { ...headers, 'content-length': String(body.length) },
          agent,
        },
        (response) => {
          readBody(response).then(
            (responseBody) =>
              resolve({ status: response.statusCode ?? 502, headers: response.headers, body: responseBody }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const send = (
    response: ServerResponse,
    status: number,
    body: string | Buffer,
    headers: Record<string, string>,
  ): void => {
    response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    response.end(body);
  };
  const json = (response: ServerResponse, status: number, body: unknown, headers = {}): void =>
    send(response, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  const html = (response: ServerResponse, status: number, body: string): void =>
    send(response, status, body, { 'content-type': 'text/html; charset=utf-8', ...mailboxPageSecurity });

  /** The emulator's own mail for this message id, taken out of its store (the front keeps the mailbox). */
  const takeEmulatorMail = (messageId: string): EmulatorMail | undefined => {
    const emails = emulatorStore().getStoreReadonly().emails;
    for (let index = emails.length - 1; index >= 0; index -= 1) {
      if (emails[index]?.messageId === messageId) return emails.splice(index, 1)[0];
    }
    return undefined;
  };

  const sendEmail = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    // A well-formed simple mail is taken here, as aws-ses-v2-local would store it, without its HTTP round
    // trip (twice the throughput, for the benchmark); anything else is its to answer.
    const simple = (request.headers.authorization ?? '').startsWith('AWS') ? simpleMailOf(body) : undefined;
    if (simple) {
      const messageId = sesMessageId();
      await store.add(recordOf(simple, messageId, Date.now(), tagsOf(body)));
      json(response, 200, { MessageId: messageId }, { 'x-amzn-requestid': randomUUID() });
      return;
    }
    const answer = await forward(request, body);
    let emulatorId: unknown;
    try {
      emulatorId =
        answer.status === 200
          ? (JSON.parse(answer.body.toString('utf8')) as { MessageId?: unknown }).MessageId
          : undefined;
    } catch {
      emulatorId = undefined;
    }
    const mail = typeof emulatorId === 'string' ? takeEmulatorMail(emulatorId) : undefined;
    if (!mail) {
      send(response, answer.status, answer.body, {
        'content-type': String(answer.headers['content-type'] ?? 'application/json'),
      });
      return;
    }
    const messageId = sesMessageId();
    // In the mailbox (and the journal) before the sender hears it was accepted.
    await store.add(recordOf(mail, messageId, Date.now(), tagsOf(body)));
    json(response, 200, { MessageId: messageId }, { 'x-amzn-requestid': randomUUID() });
  };

  const listStore = (response: ServerResponse, url: URL): void => {
    const sinceText = url.searchParams.get('since');
    const since = sinceText === null ? undefined : Number.parseInt(sinceText, 10);
    if (since !== undefined && (Number.isNaN(since) || String(since) !== sinceText)) {
      json(response, 400, {
        message: 'Bad since query param, expected integer representing epoch timestamp in seconds',
      });
      return;
    }
    const to = url.searchParams.get('to');
    const wanted = to === null ? undefined : bareAddress(to);
    const lastText = url.searchParams.get('last');
    const last = lastText === null ? undefined : Number(lastText);
    if (last !== undefined && !(Number.isInteger(last) && last > 0)) {
      json(response, 400, { message: 'Bad last query param, expected a positive integer' });
      return;
    }
    const selected = store.entries.filter(
      (entry) =>
        (since === undefined || Math.floor(entry.at / 1000) >= since) &&
        (wanted === undefined ||
          [...entry.to, ...entry.cc, ...entry.bcc].some((address) => bareAddress(address) === wanted)),
    );
    // Only the mails sent are read from the journal; `total` counts every match.
    const emails = (last === undefined ? selected : selected.slice(-last)).map((entry) =>
      storedMailOf(store.read(entry)),
    );
    json(response, 200, { templates: {}, emails, total: selected.length });
  };

  const showMail = (response: ServerResponse, path: string): void => {
    const [, , id = '', part, index] = path.split('/');
    const entry = store.find(decodeURIComponent(id));
    if (!entry) {
      html(response, 404, renderMissingMailPage());
      return;
    }
    const mail = store.read(entry);
    if (part === undefined) {
      html(response, 200, renderMailPage(mail));
      return;
    }
    const attachment = part === 'attachment' ? mail.attachments[Number(index)] : undefined;
    if (!attachment?.content) {
      html(response, 404, renderMissingMailPage());
      return;
    }
    send(response, 200, Buffer.from(attachment.content, 'base64'), {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${(attachment.filename ?? 'bijlage').replace(/[^\w.-]/g, '_')}"`,
      ...mailboxPageSecurity,
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const path = url.pathname;
    if (request.method === 'POST' && path === sendEmailPath) {
      await sendEmail(request, response);
    } else if (request.method === 'GET' && path === '/store') {
      listStore(response, url);
    } else if (request.method === 'POST' && path === '/clear-store') {
      await readBody(request);
      await store.clear();
      emulatorStore().clearStore();
      // The page's button posts a form: back to the (empty) mailbox.
      if ((request.headers.accept ?? '').includes('text/html')) send(response, 303, '', { location: '/' });
      else json(response, 200, { message: 'Store cleared' });
    } else if (request.method === 'GET' && path === '/') {
      html(
        response,
        200,
        renderMailboxPage(store.entries, {
          page: url.searchParams.get('page'),
          to: url.searchParams.get('to'),
        }),
      );
    } else if (request.method === 'GET' && path.startsWith('/mail/')) {
      showMail(response, path);
    } else {
      const answer = await forward(request, await readBody(request));
      const headers = Object.fromEntries(
        Object.entries(answer.headers).flatMap(([name, value]) =>
          value === undefined || hopByHop.has(name) || name === 'content-length'
            ? []
            : [[name, String(value)]],
        ),
      );
      send(response, answer.status, answer.body, headers);
    }
  };

  const front = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error(
        `SES emulator: ${request.method} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!response.headersSent) json(response, 500, { message: 'The SES emulator failed' });
      else response.destroy();
    });
  });
  try {
    await listen(front, options.port, host, options.portVariable);
  } catch (error) {
    await new Promise<void>((resolve) => inner.close(() => resolve()));
    await store.close();
    throw error;
  }
  const { port } = front.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    mailbox: new Mailbox(endpoint),
    stop: () => {
      stopping ??= (async () => {
        const closed = (server: Server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
        await Promise.all([closed(front), closed(inner)]);
        agent.destroy();
        await store.close();
      })();
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
  /** The request's EmailTags, Name → Value. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Reads the emulator's inbox over HTTP, for tests and `npm run local -- mailbox`. The inbox is shared by
 * everything that sends through the emulator: filter by recipient instead of clearing it in parallel tests.
 */
export class Mailbox {
  constructor(readonly endpoint: string) {}

  /**
   * Every stored mail, oldest first; with `since`, those accepted in or after that second; with `to`, those to
   * that address.
   */
  async list(since?: Date, to?: string): Promise<StoredMail[]> {
    const url = new URL('/store', this.endpoint);
    if (since) url.searchParams.set('since', String(Math.floor(since.getTime() / 1000)));
    if (to !== undefined) url.searchParams.set('to', to);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`The SES emulator answered ${response.status} on GET /store`);
    const store = (await response.json()) as { emails: StoredMail[] };
    return store.emails;
  }

  /** The newest `limit` mails, oldest first, and how many there are in all. */
  async latest(limit: number): Promise<{ mails: StoredMail[]; total: number }> {
    const url = new URL('/store', this.endpoint);
    url.searchParams.set('last', String(limit));
    const response = await fetch(url);
    if (!response.ok) throw new Error(`The SES emulator answered ${response.status} on GET /store`);
    const store = (await response.json()) as { emails: StoredMail[]; total?: number };
    return { mails: store.emails, total: store.total ?? store.emails.length };
  }

  /** The mails to one address (To, Cc or Bcc); the emulator filters them. */
  async to(address: string, since?: Date): Promise<StoredMail[]> {
    const wanted = bareAddress(address);
    const mails = await this.list(since, wanted);
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
