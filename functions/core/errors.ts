/**
 * Domain errors. The core throws these; one edge (functions/handlers/http/edge.ts) maps them to HTTP:
 * problem+json for the API, a Dutch page for pages. Messages are Dutch because they reach people.
 */

/** One problem with one input field; `field` is the name the form or JSON body used. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  /** Stable, machine-readable; becomes the problem type. */
  abstract readonly code: string;
}

/** The input breaks a rule; nothing was written. */
export class InvalidInput extends DomainError {
  readonly code = 'invalid-input';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ') || 'Ongeldige invoer.');
  }
}

export class NotFound extends DomainError {
  readonly code = 'not-found';
  constructor(message = 'Deze pagina bestaat niet (meer).') {
    super(message);
  }
}

/** No (valid) identity where one is required. */
export class NotAuthenticated extends DomainError {
  readonly code = 'not-authenticated';
  constructor(message = 'Je bent niet ingelogd.') {
    super(message);
  }
}

/** A known caller without the right to do this. */
export class NotPermitted extends DomainError {
  readonly code = 'not-permitted';
  constructor(message = 'Je hebt geen toegang tot deze functie.') {
    super(message);
  }
}

/**
 * A mailing action or event that the mailing's current status does not allow (functions/core/mailings/mailing.ts):
 * a 409 whose message names that status in Dutch.
 */
export class MailingConflict extends DomainError {
  readonly code = 'mailing-conflict';
  constructor(
    /** The status the mailing is in, as stored (`sent`, `paused`, …). */
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

/** `retired`: signed with a link key that was retired (link-keys.ts); the link gets a fresh one by mail. */
export type TokenFault = 'malformed' | 'signature' | 'purpose' | 'expired' | 'retired';

const tokenFaultMessages: Record<TokenFault, string> = {
  malformed: 'Deze link is ongeldig. Controleer of je de hele link uit de e-mail hebt gebruikt.',
  signature: 'Deze link is ongeldig. Controleer of je de hele link uit de e-mail hebt gebruikt.',
  purpose: 'Deze link is ongeldig. Controleer of je de hele link uit de e-mail hebt gebruikt.',
  expired: 'Deze link is verlopen. Meld je opnieuw aan of neem contact op met de organisatie.',
  retired: 'Deze link is te oud om nog te gebruiken. Vraag een nieuwe link aan.',
};

/** A signed link that is tampered with, expired, meant for something else, or signed with a retired key. */
export class InvalidToken extends DomainError {
  readonly code = 'invalid-token';
  constructor(readonly fault: TokenFault) {
    super(tokenFaultMessages[fault]);
  }
}

/** A genuine-looking link whose key was retired: answered with a page that mails a fresh link for `purpose`. */
export class RetiredLink extends InvalidToken {
  constructor(readonly purpose: string) {
    super('retired');
  }
}
