import { createHmac } from 'node:crypto';
import type { Clock } from './ports';

/**
 * Limits on public POSTs (docs/architecture.md, "Limits on public POSTs"). An HTTP API takes no WAF, so the
 * HTTP edge counts, before the handler runs, every POST whose route declares a `limit` (functions/routes.ts):
 * per client network when the POST starts something (a subscription, a registration, a mailed link), per
 * signed link token when it carries one (a confirmation, a one-click unsubscribe), in fixed windows of a
 * minute.
 */

/** `client`: the client's network (an IPv4 address, an IPv6 /64); `token`: the signed link token it carries. */
export type RequestLimitKind = 'client' | 'token';

/**
 * What is counted: a route's kind, and on token routes also the client network, in a count of its own
 * (`token-client`), so made-up tokens — each with a fresh count — cannot flood a route from one network.
 */
export type CountedKind = RequestLimitKind | 'token-client';

/**
 * How many link-token POSTs one client network may send a minute, as a multiple of its limit on POSTs that
 * start something: generous, since a mail provider's scanner posts many genuine links from one network.
 */
export const tokenPostsPerClientFactor = 10;

export const requestWindowSeconds = 60;

/** Per client network per minute: a person who subscribes, registers and asks for a report fits many times. */
export const defaultPublicPostsPerClientPerMinute = 20;

/**
 * Per link token per minute: a person clicks one link a few times at most, while a mail provider's scanner
 * posts many different tokens once each from one network, which a client limit would refuse.
 */
export const defaultPublicPostsPerTokenPerMinute = 10;

/** A fixed window in epoch seconds, from `start` up to (not including) `end`. */
export interface RequestWindow {
  readonly start: number;
  readonly end: number;
}

export const requestWindowAt = (now: Date): RequestWindow => {
  const start = Math.floor(now.getTime() / 1000 / requestWindowSeconds) * requestWindowSeconds;
  return { start, end: start + requestWindowSeconds };
};

/** Whole seconds until the window ends, at least 1: the Retry-After of a refused request. */
export const retryAfterSeconds = (window: RequestWindow, now: Date): number =>
  Math.max(1, Math.ceil(window.end - now.getTime() / 1000));

const hex = (value: number | undefined): string => (value ?? 0).toString(16);

const ipv4Octets = (text: string): number[] | undefined => {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)?.slice(1).map(Number);
  return octets?.every((octet) => octet <= 255) ? octets : undefined;
};

/** The eight hextets of an IPv6 address: `::` expanded, a dotted IPv4 tail as two hextets; else undefined. */
const ipv6Hextets = (text: string): number[] | undefined => {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half = ''): string[] => {
    const groups = half === '' ? [] : half.split(':');
    const octets = ipv4Octets(groups.at(-1) ?? '');
    if (octets) {
      const [a = 0, b = 0, c = 0, d = 0] = octets;
      groups.splice(-1, 1, hex(a * 256 + b), hex(c * 256 + d));
    }
    return groups;
  };
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  return groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))
    ? groups.map((group) => Number.parseInt(group, 16))
    : undefined;
};

/**
 * The network a client is counted by, from API Gateway's `sourceIp`: an IPv4 address as it is; an IPv6
 * address by its /64 (the first four hextets), since a subscriber line gets a whole /64 and may pick any
 * address in it; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as the IPv4 address it maps. Anything else
 * (API Gateway sends nothing else) counts as given.
 */
export const clientNetworkOf = (sourceIp: string): string => {
  const address = sourceIp.trim().toLowerCase().replace(/%.*$/, '');
  const octets = ipv4Octets(address);
  if (octets) return octets.join('.');
  const hextets = ipv6Hextets(address);
  if (!hextets) return address;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = hextets;
  if (a + b + c + d + e === 0 && f === 0xffff) return [g >> 8, g & 255, h >> 8, h & 255].join('.');
  return `${[a, b, c, d].map(hex).join(':')}::/64`;
};

/**
 * What a count is stored under: a keyed hash of the kind and the network or token (the person-id key, with
 * a derivation of its own, as people are keyed: core/people/person-id.ts), so the table holds no IP address
 * and no token, and the hash reveals neither without the key.
 */
export class RequestSubjects {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = createHmac('sha256', secret).update('dropin-request-limit').digest();
  }

  of(kind: CountedKind, value: string): string {
    return createHmac('sha256', this.#key).update(`${kind}:${value}`).digest('hex').slice(0, 32);
  }
}

/** Counts one more request of a subject in a window; answers the window's count, this request included. */
export interface RequestCounter {
  count(kind: CountedKind, subject: string, window: RequestWindow): Promise<number>;
}

export interface RequestLimitPorts {
  readonly counter: RequestCounter;
  readonly subjects: RequestSubjects;
  readonly clock: Clock;
  /** Requests admitted per subject per window, by kind (the configuration's). */
  readonly perWindow: Readonly<Record<RequestLimitKind, number>> & { readonly 'token-client'?: number };
}

/** Whether a request may go on; a refused one may come back when its window ends. */
export type RequestAdmission =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly retryAfterSeconds: number };

/**
 * Counts a request by its client's network (`value` is the source IP) or by its link token, and admits it
 * unless the subject has had its share of the window. A refused request counts too.
 */
export const admitRequest = async (
  ports: RequestLimitPorts,
  kind: CountedKind,
  value: string,
): Promise<RequestAdmission> => {
  const now = ports.clock.now();
  const window = requestWindowAt(now);
  const subject = ports.subjects.of(kind, kind === 'token' ? value : clientNetworkOf(value));
  const limit =
    kind === 'token-client'
      ? (ports.perWindow['token-client'] ?? ports.perWindow.client * tokenPostsPerClientFactor)
      : ports.perWindow[kind];
  return (await ports.counter.count(kind, subject, window)) > limit
    ? { admitted: false, retryAfterSeconds: retryAfterSeconds(window, now) }
    : { admitted: true };
};
