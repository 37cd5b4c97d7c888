import { ApiUnreachable, CliError, exitCodeForStatus, exitCodes } from './exit-codes';
import { type Operation, operation } from './operations';
import type { TokenSource } from './sign-in';

/** An RFC 9457 problem as the API writes it (functions/contract/problems.ts). */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
}

/** The API said no: its Dutch detail, and per field what is wrong. */
export class ApiRefusal extends CliError {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    routeKey: string,
  ) {
    super(ApiRefusal.describe(status, problem, routeKey), exitCodeForStatus(status));
    this.name = 'ApiRefusal';
  }

  private static describe(status: number, problem: Problem | undefined, routeKey: string): string {
    if (status === 401) {
      return 'De API kent dit token niet (verlopen, of van een ander systeem): geef een geldig DROPIN_TOKEN, of log in AWS opnieuw in met `drop-in login`.';
    }
    const head = problem?.detail ?? problem?.title ?? `${routeKey} gaf HTTP ${status}`;
    const fields = (problem?.errors ?? [])
      .filter((error) => !head.includes(error.message))
      .map((error) => `\n  ${error.field}: ${error.message}`);
    return `${head}${fields.join('')}`;
  }
}

export interface CallOptions {
  /** Values of the path's `{name}` parameters. */
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** The version the change builds on (`If-Match`). */
  readonly ifMatch?: number | string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the bytes of any other media type. */
  readonly body: unknown;
}

/** The organiser API, reached through the operations of its document (operations.ts). */
export class ApiClient {
  constructor(
    readonly base: URL,
    private readonly tokens: TokenSource,
  ) {}

  /** The URL of an operation with its path parameters and query filled in. */
  url(op: Operation, options: Pick<CallOptions, 'params' | 'query'> = {}): URL {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = options.params?.[name];
      if (value === undefined) throw new Error(`${op.routeKey} needs {${name}}`);
      return encodeURIComponent(value);
    });
    const url = new URL(path, this.base);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    return url;
  }

  async call(routeKey: string, options: CallOptions = {}): Promise<Answer> {
    const op = operation(routeKey);
    const headers = new Headers({ authorization: `Bearer ${await this.tokens.token()}` });
    if (options.body !== undefined) headers.set('content-type', 'application/json');
    if (options.ifMatch !== undefined) headers.set('if-match', `"${options.ifMatch}"`);
    let response: Response;
    try {
      response = await fetch(this.url(op, options), {
        method: op.method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        redirect: 'manual',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      throw new ApiUnreachable(
        `De API op ${this.base.origin} antwoordt niet (${cause}). Draait \`npm start\`, of klopt DROPIN_API?`,
      );
    }
    const type = response.headers.get('content-type') ?? '';
    const bytes = Buffer.from(await response.arrayBuffer());
    // A CSV keeps its bytes (the BOM Excel needs included); JSON is parsed.
    let body: unknown = bytes;
    if (/json/.test(type) && bytes.length > 0) {
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new CliError(`${routeKey} gaf HTTP ${response.status} met onleesbare JSON`, exitCodes.failed);
      }
    }
    if (!response.ok) {
      throw new ApiRefusal(response.status, /json/.test(type) ? (body as Problem) : undefined, routeKey);
    }
    return { status: response.status, headers: response.headers, body };
  }

  /**
   * Every item of a paged list (`items`, `nextCursor`), page after page (100 a page unless the query says
   * otherwise); with `max`, no more than that. `onPage` hears how many have arrived.
   */
  async all<T>(
    routeKey: string,
    options: CallOptions = {},
    { max, onPage }: { readonly max?: number; readonly onPage?: (count: number) => void } = {},
  ): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await this.call(routeKey, {
        ...options,
        query: { limit: 100, ...options.query, ...(cursor !== undefined ? { cursor } : {}) },
      });
      const list = body as { items: T[]; nextCursor?: string | null };
      items.push(...list.items);
      onPage?.(items.length);
      if (max !== undefined && items.length >= max) return items.slice(0, max);
      cursor = list.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }
}
