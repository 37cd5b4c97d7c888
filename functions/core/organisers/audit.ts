/**
 * The audit trail (docs/architecture.md, "The audit trail"): every organiser action leaves one entry — who,
 * what, when, the version before and after, and the names of the fields it changed. Never a value: no message
 * body, no address, no name of anyone but the organiser. Admins read it; an entry about a person is listed
 * under them in the person index; entries expire after the stage's audit retention.
 */

/** What an entry is about: the thing the action changed. */
export const auditKinds = [
  'meeting',
  'registration',
  'mailing',
  'report',
  'report-request',
  'suppression',
  'test-mail',
  'subscriber-import',
] as const;
export type AuditKind = (typeof auditKinds)[number];

/** Who acted: the organiser's stable id and, if the identity provider gives one, their name. */
export interface AuditActor {
  readonly subject: string;
  readonly name?: string;
}

/** A change as a writer knows it, before it is stamped with who, what and when. */
export interface AuditedChange {
  readonly kind: AuditKind;
  /** The meeting's, mailing's or report's id; for a suppression, the person's id. */
  readonly targetId: string;
  /** The versions of what changed; null where there is none (created, deleted, or it has no version). */
  readonly versionBefore: number | null;
  readonly versionAfter: number | null;
  /** The names of the fields that changed (changedFields), never their values. */
  readonly changes: readonly string[];
  /** The person the change is about (a registration, a report request, a suppression). */
  readonly personId?: string;
}

export interface AuditEntry extends AuditedChange {
  /** Time-ordered: the trail lists by it. */
  readonly entryId: string;
  readonly at: string;
  readonly actor: AuditActor;
  /** The route the organiser called, as the route table writes it: `POST /api/organiser/meetings/{id}/cancel`. */
  readonly action: string;
  /** API Gateway's id of the request, to find it in the logs. */
  readonly requestId: string;
  /** When the entry is deleted: the stage's audit retention after `at`. */
  readonly expiresAt: string;
}

/** Bookkeeping that changes with every write, and counters that move with registrations: not "what changed". */
const bookkeeping = new Set([
  'version',
  'updatedAt',
  'confirmedCount',
  'waitingCount',
  'waitingTicket',
  'sequence',
]);

/**
 * The names of the top-level fields whose values differ between two versions of a record (one of them may be
 * absent: everything it has counts as changed), sorted, bookkeeping left out. Names only: a summary that
 * carries no value, so no body text or address, ever reaches the trail.
 */
export const changedFields = (before: object | undefined, after: object | undefined): string[] => {
  const was = (before ?? {}) as Record<string, unknown>;
  const is = (after ?? {}) as Record<string, unknown>;
  const names = new Set([...Object.keys(was), ...Object.keys(is)]);
  return [...names]
    .filter((name) => !bookkeeping.has(name) && JSON.stringify(was[name]) !== JSON.stringify(is[name]))
    .sort();
};

/** A record's version, if it keeps one (a report request's `version` is its consent text's: not a count). */
const versionOf = (record: object | undefined): number | null => {
  const version = (record as { version?: unknown } | undefined)?.version;
  return typeof version === 'number' ? version : null;
};

/** The change from one version of a record to the next (either may be absent: created, deleted). */
export const auditedChange = (
  kind: AuditKind,
  targetId: string,
  before: object | undefined,
  after: object | undefined,
  personId?: string,
): AuditedChange => ({
  kind,
  targetId,
  versionBefore: versionOf(before),
  versionAfter: versionOf(after),
  changes: changedFields(before, after),
  ...(personId !== undefined ? { personId } : {}),
});

/** The route's collection in the organiser API says what an action without a record of its own is about. */
const kindsByCollection: Readonly<Record<string, AuditKind>> = {
  meetings: 'meeting',
  mailings: 'mailing',
  reports: 'report',
  suppressions: 'suppression',
  'test-mail': 'test-mail',
  subscribers: 'subscriber-import',
};

/** What an organiser route acts on, from its path: `/api/organiser/<collection>/…`. */
export const auditKindOfPath = (path: string): AuditKind | undefined =>
  kindsByCollection[path.split('/')[3] ?? ''];

export interface AuditQuery {
  readonly kind?: AuditKind;
  readonly personId?: string;
  /** Only entries older than this one (the last of the page before): the trail is newest first. */
  readonly before?: string;
  readonly limit: number;
}

export interface AuditPage {
  readonly items: readonly AuditEntry[];
  /** Where the next page starts (its `before`); null on the last page. */
  readonly nextBefore: string | null;
}

/** Reading the trail (admins). */
export interface AuditTrailReader {
  list(query: AuditQuery): Promise<AuditPage>;
}
