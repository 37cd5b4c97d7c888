/**
 * Errors of the HTTP transport itself (not of the domain): the request cannot even be read. Mapped at the
 * same edge as domain errors.
 */
export class TransportError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class PayloadTooLarge extends TransportError {
  constructor(maxBytes: number) {
    super(413, 'payload-too-large', `Het verzoek is groter dan ${Math.floor(maxBytes / 1024)} KiB.`);
  }
}

export class UnsupportedMediaType extends TransportError {
  constructor(accepted: readonly string[]) {
    super(415, 'unsupported-media-type', `Stuur de gegevens als ${accepted.join(' of ')} (UTF-8).`, {
      'accept-post': accepted.join(', '),
    });
  }
}

export class MalformedBody extends TransportError {
  /** `what` completes "De inhoud van het verzoek is geen geldige …"; `message` replaces the whole sentence. */
  constructor(what: string, message = `De inhoud van het verzoek is geen geldige ${what}.`) {
    super(400, 'malformed-body', message);
  }
}

export class PreconditionRequired extends TransportError {
  constructor() {
    super(
      428,
      'precondition-required',
      'Stuur de versie die je wijzigt mee in de If-Match-header (de ETag).',
    );
  }
}

/**
 * A public POST over its limit this minute (core/request-limits.ts; the edge counts it before reading it):
 * refused before its handler ran, so nothing was written or sent; `retry-after` is when the window ends.
 */
export class TooManyRequests extends TransportError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too-many-requests', 'Te veel verzoeken — probeer het over een minuut nog eens.', {
      'retry-after': String(retryAfterSeconds),
    });
  }
}
