import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod/mini';
import { type SesEventType, sesEventDetailTypes } from '../../functions/adapters/ses/events';
import '../../functions/adapters/validation-locale';
import { localAccountId } from '../http/api-gateway-event';
import { type AccountSettings, SendAllowance } from './ses-allowance';

/**
 * An HTTP proxy in front of the SES v2 emulator that makes the offline SES behave like SES where the system
 * depends on it: SendEmail can fail the way SES fails (injected faults), and every accepted mail publishes
 * the events a configuration set sends to EventBridge (Send, Delivery, Bounce, Complaint, with the mailbox
 * simulator's addresses). Everything else, the mailbox page and `/store` included, passes through.
 */

/** The SES errors a fault can answer SendEmail with, as SES v2 sends them (REST-JSON). */
export const sesErrorNames = [
  'MessageRejected',
  'TooManyRequestsException',
  'SendingPausedException',
  'AccountSuspendedException',
  'LimitExceededException',
  'MailFromDomainNotVerifiedException',
  'InternalFailure',
  'ServiceUnavailable',
] as const;
export type SesErrorName = (typeof sesErrorNames)[number];

const sesv2Namespace = 'http://internal.amazon.com/coral/com.amazonaws.sesv2/';
const coralNamespace = 'http://internal.amazon.com/coral/com.amazon.coral.service/';

/** HTTP status, default message and the namespace SES appends to `x-amzn-ErrorType` of each error. */
export const sesErrors: Record<SesErrorName, { status: number; message: string; namespace: string }> = {
  MessageRejected: { status: 400, message: 'Email address is not verified.', namespace: sesv2Namespace },
  TooManyRequestsException: {
    status: 429,
    message: 'Maximum sending rate exceeded.',
    namespace: sesv2Namespace,
  },
  SendingPausedException: {
    status: 400,
    message: 'Sending is paused for this account.',
    namespace: sesv2Namespace,
  },
  AccountSuspendedException: {
    status: 400,
    message: 'Sending is suspended for this account.',
    namespace: sesv2Namespace,
  },
  LimitExceededException: {
    status: 400,
    message: 'Daily message quota exceeded.',
    namespace: sesv2Namespace,
  },
  MailFromDomainNotVerifiedException: {
    status: 400,
    message: 'The MAIL FROM domain is not verified.',
    namespace: sesv2Namespace,
  },
  InternalFailure: {
    status: 500,
    message: 'The request processing has failed because of an unknown error, exception or failure.',
    namespace: coralNamespace,
  },
  ServiceUnavailable: {
    status: 503,
    message: 'Service is unavailable. Please try again later.',
    namespace: coralNamespace,
  },
};

const sesEventTypes = Object.keys(sesEventDetailTypes) as [SesEventType, ...SesEventType[]];

/** What a fault does to the sends it matches. */
export type SesFaultEffect =
  /** SendEmail fails with this error; the mail never reaches the emulator and publishes no event. */
  | { readonly kind: 'error'; readonly error: SesErrorName; readonly message?: string }
  /**
   * The mail is accepted (stored, events published) but the response is never written: it is held until the
   * client gives up or the proxy stops, as when a sender dies after SES accepted its mail.
   */
  | { readonly kind: 'hold-response' }
  /** The send goes through, but these events are not published for the matching recipients. */
  | { readonly kind: 'withhold-events'; readonly events: readonly SesEventType[] };

/**
 * Which recipients (To, Cc, Bcc; the bare address) a fault applies to. A string is a case-insensitive
 * substring, or a regular expression when written `/source/flags`. A send matches when any recipient does.
 */
export type SesRecipientMatch = string | RegExp | ((address: string) => boolean);

export interface SesFaultScope {
  /** Every send when absent. */
  readonly recipients?: SesRecipientMatch;
  /** The fault ends at this moment… */
  readonly until?: Date;
  /** …or this many milliseconds after it was set (whichever comes first). */
  readonly forMs?: number;
  /** It affects this many matching sends, then ends. Unlimited when absent. */
  readonly count?: number;
  /**
   * It affects this share (0 < share ≤ 1) of the matching sends, drawn at random per send; a send it spares
   * does not use up its count. Every matching send when absent. E.g. `{ error: 'ServiceUnavailable',
   * share: 0.05 }` fails 5% of the sends with a transient error.
   */
  readonly share?: number;
}

export type SesFault = SesFaultEffect & SesFaultScope;

/** An active fault as listed (in-process and on `GET /_local/faults`). */
export type SesFaultStatus = SesFaultEffect & {
  readonly id: string;
  /** The matcher as set: the string, `/regex/flags`, or `(predicate)`. */
  readonly recipients?: string;
  /** ISO time the fault ends, if timed. */
  readonly until?: string;
  /** Sends it still affects, if counted. */
  readonly remaining?: number;
  /** The share of the matching sends it affects, if not all. */
  readonly share?: number;
};

export interface SesFaults {
  /** Sets a fault; returns its id. */
  add(fault: SesFault): string;
  remove(id: string): boolean;
  /** Removes every fault; returns how many there were. */
  clear(): number;
  list(): SesFaultStatus[];
}

/** The SES event record (`detail`), in the documented event publishing format. */
export interface SesMailRecord {
  timestamp: string;
  source: string;
  sourceArn: string;
  sendingAccountId: string;
  messageId: string;
  destination: string[];
  headersTruncated: boolean;
  commonHeaders: { from: string[]; to: string[]; date: string; messageId: string; subject?: string };
  tags: Record<string, string[]>;
}
export interface SesBouncedRecipient {
  emailAddress: string;
  action: string;
  status: string;
  diagnosticCode: string;
}
export type SesEventRecord =
  | { eventType: 'Send'; mail: SesMailRecord; send: Record<string, never> }
  | {
      eventType: 'Delivery';
      mail: SesMailRecord;
      delivery: {
        timestamp: string;
        processingTimeMillis: number;
        recipients: string[];
        smtpResponse: string;
        reportingMTA: string;
        remoteMtaIp: string;
      };
    }
  | {
      eventType: 'Bounce';
      mail: SesMailRecord;
      bounce: {
        feedbackId: string;
        bounceType: string;
        bounceSubType: string;
        bouncedRecipients: SesBouncedRecipient[];
        timestamp: string;
        reportingMTA: string;
      };
    }
  | {
      eventType: 'Complaint';
      mail: SesMailRecord;
      complaint: {
        feedbackId: string;
        complaintSubType: null;
        complainedRecipients: { emailAddress: string }[];
        timestamp: string;
        userAgent: string;
        complaintFeedbackType: string;
        arrivalDate: string;
      };
    };

/**
 * One SES event as EventBridge delivers it to a Lambda target; satisfies `SesEventBridgeEvent` of
 * functions/adapters/ses/events.ts (and aws-lambda's `EventBridgeEvent`).
 */
export interface SesProxyEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.ses';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: SesEventRecord;
}

export interface SesProxyOptions {
  /** The emulator's endpoint, e.g. http://127.0.0.1:8005 */
  readonly upstream: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * Receives every event the configuration set would publish. The caller invokes the SES events handler with
   * it. Awaited; a failure is logged and the next event follows. As EventBridge invokes a Lambda target, the
   * events of several mails are published at once (`eventConcurrency`); one mail's events come in order, which
   * is stricter than EventBridge (it promises no order; the SES events function does not rely on one).
   */
  readonly publish: (event: SesProxyEvent) => Promise<void>;
  /**
   * How many mails' events are published at once; default 8. One at a time let the queue fall behind the
   * sends on a busy machine (a mailing at 60/s), so Send events came later than a sender waits for them.
   */
  readonly eventConcurrency?: number;
  /**
   * The configuration set in `mail.tags['ses:configuration-set']` and the event's resource, when SendEmail
   * names none (as the account's default configuration set). Default `dropin-local`.
   */
  readonly configurationSetName?: string;
  /** Default eu-west-1. */
  readonly region?: string;
  readonly accountId?: string;
  /**
   * The account's sending allowance (ses-allowance.ts): with it, SendEmail is refused as SES refuses it over
   * the rate or the daily quota, and GetAccount answers it. Default none: nothing is limited, and GetAccount
   * is the emulator's.
   */
  readonly allowance?: Partial<AccountSettings>;
  /** Draws the sends a fault with a `share` affects (a number in [0, 1)); default Math.random. */
  readonly random?: () => number;
  /** Operational lines; never carries addresses. Default: console.log. */
  readonly log?: (line: string) => void;
}

export interface SesProxy {
  /** The SES v2 endpoint for the SDK client; `/` and `/store` are the emulator's. */
  readonly endpoint: string;
  readonly port: number;
  readonly faults: SesFaults;
  /** The sending allowance, when one was configured. */
  readonly allowance?: SendAllowance;
  /** Resolves when every send in flight has queued its events and every queued event was published. */
  idle(): Promise<void>;
  /** Stops listening, ends held responses, waits for sends in flight and the event queue. */
  stop(): Promise<void>;
}

/** The control path of the faults: GET lists, POST sets one or a list, DELETE clears (or one: /{id}). */
export const sesFaultsPath = '/_local/faults';
const sendEmailPath = '/v2/email/outbound-emails';
const getAccountPath = '/v2/email/account';
/**
 * The control path of the allowance (offline only): GET shows it with its counters, POST changes part of it,
 * DELETE resets the counters.
 */
export const sesAccountPath = '/_local/account';

/** Hop-by-hop headers belong to one connection; they are not forwarded. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const endToEnd = (headers: IncomingHttpHeaders): OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name.toLowerCase())));

/** `Name <a@example.org>` or `a@example.org` → `a@example.org`, as written. */
const bareAddress = (recipient: string): string => (/<([^>]+)>\s*$/.exec(recipient)?.[1] ?? recipient).trim();

const recipientMatcher = (match: SesRecipientMatch | undefined): ((address: string) => boolean) => {
  if (match === undefined) return () => true;
  if (typeof match === 'function') return match;
  if (match instanceof RegExp) return (address) => new RegExp(match.source, match.flags).test(address);
  const regex = /^\/(.+)\/([a-z]*)$/.exec(match);
  if (regex) {
    const pattern = new RegExp(regex[1] ?? '', regex[2]);
    return (address) => pattern.test(address);
  }
  const needle = match.toLowerCase();
  return (address) => address.toLowerCase().includes(needle);
};

const describeMatch = (match: SesRecipientMatch | undefined): string | undefined => {
  if (match === undefined) return undefined;
  if (typeof match === 'function') return '(predicate)';
  return match instanceof RegExp ? String(match) : match;
};

interface ActiveFault {
  readonly id: string;
  readonly effect: SesFaultEffect;
  readonly matches: (address: string) => boolean;
  readonly recipients?: string;
  readonly endsAt?: number;
  readonly share?: number;
  remaining?: number;
}

const effectOf = (fault: SesFault): SesFaultEffect => {
  switch (fault.kind) {
    case 'error':
      return { kind: 'error', error: fault.error, ...(fault.message ? { message: fault.message } : {}) };
    case 'hold-response':
      return { kind: 'hold-response' };
    case 'withhold-events':
      return { kind: 'withhold-events', events: [...fault.events] };
  }
};

class FaultSwitch implements SesFaults {
  #faults: ActiveFault[] = [];
  #next = 1;

  constructor(private readonly random: () => number = Math.random) {}

  add(fault: SesFault): string {
    if (fault.kind === 'error' && !sesErrorNames.includes(fault.error)) {
      throw new Error(`Unknown SES error ${String(fault.error)}`);
    }
    if (fault.count !== undefined && !(Number.isInteger(fault.count) && fault.count > 0)) {
      throw new Error('A fault count must be a positive integer');
    }
    if (fault.share !== undefined && !(fault.share > 0 && fault.share <= 1)) {
      throw new Error('A fault share must be above 0 and at most 1');
    }
    const ends = [fault.until?.getTime(), fault.forMs === undefined ? undefined : Date.now() + fault.forMs];
    const endsAt = ends.reduce<number | undefined>(
      (earliest, end) => (end === undefined ? earliest : Math.min(earliest ?? end, end)),
      undefined,
    );
    const id = `fault-${this.#next++}`;
    const recipients = describeMatch(fault.recipients);
    this.#faults.push({
      id,
      effect: effectOf(fault),
      matches: recipientMatcher(fault.recipients),
      ...(recipients === undefined ? {} : { recipients }),
      ...(endsAt === undefined ? {} : { endsAt }),
      ...(fault.count === undefined ? {} : { remaining: fault.count }),
      ...(fault.share === undefined ? {} : { share: fault.share }),
    });
    return id;
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((fault) => fault.id !== id);
    return this.#faults.length < before;
  }

  clear(): number {
    const count = this.#active().length;
    this.#faults = [];
    return count;
  }

  list(): SesFaultStatus[] {
    return this.#active().map((fault) => ({
      ...fault.effect,
      id: fault.id,
      ...(fault.recipients === undefined ? {} : { recipients: fault.recipients }),
      ...(fault.endsAt === undefined ? {} : { until: new Date(fault.endsAt).toISOString() }),
      ...(fault.remaining === undefined ? {} : { remaining: fault.remaining }),
      ...(fault.share === undefined ? {} : { share: fault.share }),
    }));
  }

  /**
   * The faults that affect a send to these recipients, used up by one: the first matching error fault
   * alone (the send fails), or else every matching hold and withhold fault. A fault with a share matches a
   * send only when the draw for it falls within that share.
   */
  take(recipients: readonly string[]): { error?: ActiveFault; others: ActiveFault[] } {
    const matching = this.#active().filter(
      (fault) =>
        (recipients.some((address) => fault.matches(address)) ||
          (recipients.length === 0 && !fault.recipients)) &&
        (fault.share === undefined || this.random() < fault.share),
    );
    const error = matching.find((fault) => fault.effect.kind === 'error');
    const taken = error ? [error] : matching;
    for (const fault of taken) {
      if (fault.remaining !== undefined) fault.remaining -= 1;
    }
    this.#faults = this.#faults.filter((fault) => fault.remaining === undefined || fault.remaining > 0);
    return error ? { error, others: [] } : { others: taken };
  }

  #active(): ActiveFault[] {
    const now = Date.now();
    this.#faults = this.#faults.filter((fault) => fault.endsAt === undefined || fault.endsAt > now);
    return this.#faults;
  }
}

/** The body of `POST /_local/faults`: one fault or a list; `kind` may be left out when `error` is given. */
const faultScope = {
  recipients: z.optional(z.string().check(z.minLength(1))),
  until: z.optional(z.iso.datetime({ offset: true })),
  forMs: z.optional(z.number().check(z.int(), z.positive())),
  count: z.optional(z.number().check(z.int(), z.positive())),
  share: z.optional(z.number().check(z.positive(), z.lte(1))),
};
const faultRequest = z.pipe(
  z.transform((value: unknown) =>
    value && typeof value === 'object' && !('kind' in value) && 'error' in value
      ? { ...value, kind: 'error' }
      : value,
  ),
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('error'),
      error: z.enum(sesErrorNames),
      message: z.optional(z.string().check(z.minLength(1))),
      ...faultScope,
    }),
    z.strictObject({ kind: z.literal('hold-response'), ...faultScope }),
    z.strictObject({
      kind: z.literal('withhold-events'),
      events: z.array(z.enum(sesEventTypes)).check(z.minLength(1)),
      ...faultScope,
    }),
  ]),
);
const faultRequests = z.union([faultRequest, z.array(faultRequest).check(z.minLength(1))]);

/** The parts of a SendEmail request the proxy reads. */
const sendEmailRequest = z.looseObject({
  FromEmailAddress: z.optional(z.string()),
  Destination: z.optional(
    z.looseObject({
      ToAddresses: z.optional(z.array(z.string())),
      CcAddresses: z.optional(z.array(z.string())),
      BccAddresses: z.optional(z.array(z.string())),
    }),
  ),
  ConfigurationSetName: z.optional(z.string()),
  EmailTags: z.optional(z.array(z.looseObject({ Name: z.string(), Value: z.string() }))),
  Content: z.optional(
    z.looseObject({
      Simple: z.optional(z.looseObject({ Subject: z.optional(z.looseObject({ Data: z.string() })) })),
      Template: z.optional(
        z.looseObject({ TemplateContent: z.optional(z.looseObject({ Subject: z.optional(z.string()) })) }),
      ),
      Raw: z.optional(z.looseObject({ Data: z.string() })),
    }),
  ),
});
type SendEmailRequest = z.infer<typeof sendEmailRequest>;

/** A header of a raw (base64) message, unfolded; enough for Subject and From. */
const rawHeader = (data: string, name: string): string | undefined => {
  const text = Buffer.from(data, 'base64').toString('utf8');
  const head = text.split(/\r?\n\r?\n/, 1)[0]?.replace(/\r?\n[ \t]+/g, ' ') ?? '';
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
};

/** The SES mailbox simulator's addresses (bounce@, complaint@, success@, …), a `+label` allowed. */
const simulatorAddress = /^([a-z]+)(?:\+[^@]*)?@simulator\.amazonses\.com$/i;

interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const readBody = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/** EventBridge writes `time` to the second. */
const eventBridgeTime = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** Shaped like SES's: hex time, a UUID, a counter. */
const feedbackId = (): string => `${Date.now().toString(16).padStart(16, '0')}-${randomUUID()}-000000`;

export const startSesProxy = async (options: SesProxyOptions): Promise<SesProxy> => {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'eu-west-1';
  const account = options.accountId ?? localAccountId;
  const defaultConfigurationSet = options.configurationSetName ?? 'dropin-local';
  const log = options.log ?? ((line: string) => console.log(line));
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const faults = new FaultSwitch(options.random);
  const allowance = options.allowance ? new SendAllowance(options.allowance) : undefined;
  const held = new Set<ServerResponse>();
  const inFlight = new Set<Promise<void>>();
  /** One task per accepted mail, publishing its events in order; at most `eventConcurrency` at once. */
  const publishing = new Set<Promise<void>>();
  let freeSlots = options.eventConcurrency ?? 8;
  if (!Number.isInteger(freeSlots) || freeSlots < 1) {
    throw new Error(`eventConcurrency must be a whole number of at least 1, not ${freeSlots}`);
  }
  const waitingForSlot: (() => void)[] = [];

  const callUpstream = (request: IncomingMessage, body: Buffer): Promise<UpstreamResponse> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...endToEnd(request.headers), 'content-length': String(body.length) },
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

  const relay = (response: ServerResponse, upstreamResponse: UpstreamResponse): void => {
    response.writeHead(upstreamResponse.status, {
      ...endToEnd(upstreamResponse.headers),
      'content-length': String(upstreamResponse.body.length),
    });
    response.end(upstreamResponse.body);
  };

  const json = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: OutgoingHttpHeaders = {},
  ) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    response.end(text);
  };

  /** As SES v2 (REST-JSON) answers an error: the SDK reads the name from x-amzn-ErrorType. */
  const sesError = (response: ServerResponse, name: SesErrorName, message?: string) => {
    const error = sesErrors[name];
    json(
      response,
      error.status,
      { message: message ?? error.message },
      { 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': `${name}:${error.namespace}` },
    );
  };

  /** A mail's events, after those of the mails accepted before it have started (first come, first served). */
  const enqueue = (events: readonly SesProxyEvent[]) => {
    if (events.length === 0) return;
    const task = (async () => {
      if (freeSlots > 0) freeSlots -= 1;
      else await new Promise<void>((resolve) => waitingForSlot.push(resolve));
      try {
        for (const event of events) {
          try {
            await options.publish(event);
          } catch (error) {
            log(
              `ses-proxy: publishing ${event.detail.eventType} of ${event.detail.mail.messageId} failed: ${
                error instanceof Error ? error.message : String(error)
              }`,
            );
          }
        }
      } finally {
        // The slot passes straight to the next task waiting, or becomes free.
        const next = waitingForSlot.shift();
        if (next) next();
        else freeSlots += 1;
      }
    })();
    publishing.add(task);
    void task.finally(() => publishing.delete(task));
  };

  const eventsOf = (
    request: SendEmailRequest,
    messageId: string,
    accepted: Date,
    sourceIp: string,
    withheld: (type: SesEventType, address: string | undefined) => boolean,
  ): SesProxyEvent[] => {
    const destination = request.Destination ?? {};
    const to = destination.ToAddresses ?? [];
    const recipients = [...to, ...(destination.CcAddresses ?? []), ...(destination.BccAddresses ?? [])];
    const raw = request.Content?.Raw?.Data;
    const from = request.FromEmailAddress ?? (raw ? rawHeader(raw, 'From') : undefined) ?? '';
    const subject =
      request.Content?.Simple?.Subject?.Data ??
      request.Content?.Template?.TemplateContent?.Subject ??
      (raw ? rawHeader(raw, 'Subject') : undefined);
    const fromDomain = bareAddress(from).split('@')[1] ?? '';
    const configurationSet = request.ConfigurationSetName ?? defaultConfigurationSet;
    const tags: Record<string, string[]> = {
      'ses:operation': ['SendEmail'],
      'ses:configuration-set': [configurationSet],
      'ses:source-ip': [sourceIp],
      'ses:from-domain': [fromDomain],
      'ses:caller-identity': ['local'],
    };
    for (const tag of request.EmailTags ?? []) tags[tag.Name] = [...(tags[tag.Name] ?? []), tag.Value];
    const mail: SesMailRecord = {
      timestamp: accepted.toISOString(),
      source: from,
      sourceArn: `arn:aws:ses:${region}:${account}:identity/${fromDomain}`,
      sendingAccountId: account,
      messageId,
      destination: recipients,
      headersTruncated: false,
      commonHeaders: {
        from: [from],
        to,
        date: accepted.toUTCString(),
        messageId,
        ...(subject === undefined ? {} : { subject }),
      },
      tags,
    };
    const reportingMTA = `local.smtp-out.${region}.amazonses.com`;
    const event = (detail: SesEventRecord, at: Date): SesProxyEvent => ({
      version: '0',
      id: randomUUID(),
      'detail-type': sesEventDetailTypes[detail.eventType],
      source: 'aws.ses',
      account,
      time: eventBridgeTime(at),
      region,
      resources: [`arn:aws:ses:${region}:${account}:configuration-set/${configurationSet}`],
      detail,
    });
    const events: SesProxyEvent[] = [];
    if (!withheld('Send', undefined)) events.push(event({ eventType: 'Send', mail, send: {} }, accepted));
    for (const recipient of recipients) {
      const address = bareAddress(recipient);
      const mailbox = simulatorAddress.exec(address)?.[1]?.toLowerCase();
      const now = new Date();
      const delivery = (): SesEventRecord => ({
        eventType: 'Delivery',
        mail,
        delivery: {
          timestamp: now.toISOString(),
          processingTimeMillis: Math.max(0, now.getTime() - accepted.getTime()),
          recipients: [address],
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA,
          remoteMtaIp: '127.0.0.1',
        },
      });
      const bounce = (bounceSubType: string, diagnosticCode: string): SesEventRecord => ({
        eventType: 'Bounce',
        mail,
        bounce: {
          feedbackId: feedbackId(),
          bounceType: 'Permanent',
          bounceSubType,
          bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1', diagnosticCode }],
          timestamp: now.toISOString(),
          reportingMTA: `dsn; ${reportingMTA}`,
        },
      });
      const records: SesEventRecord[] =
        mailbox === 'bounce'
          ? [bounce('General', 'smtp; 550 5.1.1 user unknown')]
          : mailbox === 'suppressionlist'
            ? [
                bounce(
                  'OnAccountSuppressionList',
                  'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
                ),
              ]
            : mailbox === 'complaint'
              ? [
                  delivery(),
                  {
                    eventType: 'Complaint',
                    mail,
                    complaint: {
                      feedbackId: feedbackId(),
                      complaintSubType: null,
                      complainedRecipients: [{ emailAddress: address }],
                      timestamp: now.toISOString(),
                      userAgent: 'Amazon SES Mailbox Simulator',
                      complaintFeedbackType: 'abuse',
                      arrivalDate: now.toISOString(),
                    },
                  },
                ]
              : [delivery()];
      for (const record of records) {
        if (!withheld(record.eventType, address)) events.push(event(record, now));
      }
    }
    return events;
  };

  const sendEmail = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Written, or the client went away: either way 'close' fires once, perhaps before the answer is ready.
    const closed = new Promise<void>((resolve) => response.once('close', resolve));
    const body = await readBody(request);
    let parsed: SendEmailRequest | undefined;
    try {
      const result = sendEmailRequest.safeParse(JSON.parse(body.toString('utf8')));
      if (result.success) parsed = result.data;
    } catch {
      // Not JSON: the emulator answers it.
    }
    if (!parsed) {
      relay(response, await callUpstream(request, body));
      return;
    }
    const destination = parsed.Destination ?? {};
    const recipients = [
      ...(destination.ToAddresses ?? []),
      ...(destination.CcAddresses ?? []),
      ...(destination.BccAddresses ?? []),
    ].map(bareAddress);
    const { error, others } = faults.take(recipients);
    if (error?.effect.kind === 'error') {
      log(`ses-proxy: SendEmail answered ${error.effect.error} (${error.id})`);
      sesError(response, error.effect.error, error.effect.message);
      return;
    }
    // As SES: over the rate or the day's quota nothing is sent, and the mail counts toward neither.
    const refusal = allowance?.take(Math.max(1, recipients.length));
    if (refusal) {
      sesError(response, refusal);
      return;
    }
    const accepted = new Date();
    const answer = await callUpstream(request, body);
    const messageId = answer.status === 200 ? parseMessageId(answer.body) : undefined;
    if (messageId === undefined) {
      relay(response, answer);
      return;
    }
    const withholding = others.flatMap((fault) => (fault.effect.kind === 'withhold-events' ? [fault] : []));
    const events = eventsOf(
      parsed,
      messageId,
      accepted,
      request.socket.remoteAddress ?? '127.0.0.1',
      (type, address) =>
        withholding.some(
          (fault) =>
            fault.effect.kind === 'withhold-events' &&
            fault.effect.events.includes(type) &&
            (address === undefined
              ? recipients.some((recipient) => fault.matches(recipient))
              : fault.matches(address)),
        ),
    );
    const hold = others.find((fault) => fault.effect.kind === 'hold-response');
    if (hold) {
      log(`ses-proxy: SendEmail ${messageId} accepted, response held (${hold.id})`);
      held.add(response);
      response.once('close', () => held.delete(response));
      enqueue(events);
      return;
    }
    // The events follow the answer, as SES publishes them after it accepted the mail.
    relay(response, answer);
    await closed;
    enqueue(events);
  };

  /** A control path's JSON body, parsed; undefined when it was not, after answering 400 with the reason. */
  const controlBody = async <Schema extends z.ZodMiniType>(
    request: IncomingMessage,
    response: ServerResponse,
    schema: Schema,
    invalid: string,
  ): Promise<z.output<Schema> | undefined> => {
    let input: unknown;
    try {
      input = JSON.parse((await readBody(request)).toString('utf8'));
    } catch {
      json(response, 400, { message: 'The body is not JSON' });
      return undefined;
    }
    const result = schema.safeParse(input);
    if (!result.success) {
      json(response, 400, { message: invalid, issues: result.error.issues });
      return undefined;
    }
    return result.data;
  };

  const controlFaults = async (
    request: IncomingMessage,
    response: ServerResponse,
    id: string | undefined,
  ) => {
    if (request.method === 'GET' && id === undefined) {
      json(response, 200, { faults: faults.list() });
    } else if (request.method === 'DELETE') {
      if (id === undefined) json(response, 200, { cleared: faults.clear() });
      else if (faults.remove(id)) json(response, 200, { removed: id });
      else json(response, 404, { message: `No fault ${id}` });
    } else if (request.method === 'POST' && id === undefined) {
      const input = await controlBody(request, response, faultRequests, 'Invalid fault');
      if (input === undefined) return;
      const requested = Array.isArray(input) ? input : [input];
      let ids: string[];
      try {
        ids = requested.map(({ until, ...fault }) =>
          faults.add({ ...fault, ...(until === undefined ? {} : { until: new Date(until) }) }),
        );
      } catch (error) {
        json(response, 400, { message: error instanceof Error ? error.message : String(error) });
        return;
      }
      json(response, 201, { faults: faults.list().filter((fault) => ids.includes(fault.id)) });
    } else {
      json(response, 405, { message: `${request.method} is not supported on ${sesFaultsPath}` });
    }
  };

  const controlAccount = async (request: IncomingMessage, response: ServerResponse, limit: SendAllowance) => {
    if (request.method === 'GET') {
      json(response, 200, {
        ...limit.settings,
        sentLast24Hours: limit.sentLast24Hours(),
        counters: limit.counters(),
      });
      return;
    }
    if (request.method === 'DELETE') {
      // Resets the counters (a benchmark run starts from zero); the allowance and the day's use stay.
      await readBody(request);
      limit.resetCounters();
      json(response, 200, { counters: limit.counters() });
      return;
    }
    if (request.method !== 'POST') {
      json(response, 405, { message: `${request.method} is not supported on ${sesAccountPath}` });
      return;
    }
    const input = await controlBody(request, response, accountSettingsInput, 'Invalid account settings');
    if (input !== undefined) json(response, 200, limit.configure(withoutUndefined(input)));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://proxy').pathname;
    if (allowance && path === sesAccountPath) {
      await controlAccount(request, response, allowance);
    } else if (allowance && request.method === 'GET' && path === getAccountPath) {
      await readBody(request);
      json(response, 200, allowance.account(), { 'x-amzn-requestid': randomUUID() });
    } else if (path === sesFaultsPath || path.startsWith(`${sesFaultsPath}/`)) {
      const id = path.slice(sesFaultsPath.length + 1) || undefined;
      await controlFaults(request, response, id === undefined ? undefined : decodeURIComponent(id));
    } else if (request.method === 'POST' && path === sendEmailPath) {
      await sendEmail(request, response);
    } else {
      relay(response, await callUpstream(request, await readBody(request)));
    }
  };

  const server = createServer((request, response) => {
    const handling = handle(request, response).catch((error: unknown) => {
      log(`ses-proxy: ${request.method} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) json(response, 502, { message: 'The SES emulator did not answer' });
      else response.destroy();
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const idle = async (): Promise<void> => {
    // A send in flight may queue events, and a published event may be followed by more: until both are empty.
    while (inFlight.size > 0 || publishing.size > 0) {
      await Promise.allSettled([...inFlight, ...publishing]);
    }
  };

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    faults,
    ...(allowance ? { allowance } : {}),
    idle,
    stop: () => {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const response of held) response.destroy();
        await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        agent.destroy();
        await closed;
        await idle();
      })();
      return stopping;
    },
  };
};

/** The body of `POST /_local/account`: any part of the settings. */
const accountSettingsInput = z.strictObject({
  maxSendRate: z.optional(z.number().check(z.positive())),
  max24HourSend: z.optional(z.int().check(z.gte(-1))),
  productionAccessEnabled: z.optional(z.boolean()),
  sendingEnabled: z.optional(z.boolean()),
  enforce: z.optional(z.boolean()),
});

const withoutUndefined = <T extends Record<string, unknown>>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

const parseMessageId = (body: Buffer): string | undefined => {
  try {
    const value = JSON.parse(body.toString('utf8')) as { MessageId?: unknown };
    return typeof value.MessageId === 'string' && value.MessageId ? value.MessageId : undefined;
  } catch {
    return undefined;
  }
};
