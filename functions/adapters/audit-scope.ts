import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditActor, AuditEntry, AuditedChange } from '../core/organisers/audit';
import { auditEntryExpiresAt } from '../core/retention';

/**
 * The organiser action being carried out, for the audit trail (core/organisers/audit.ts). The organiser's
 * HTTP edge (functions/handlers/http/organiser-route.ts) runs each write route inside one; a store that
 * writes what the action changes asks it for the entry and writes that in the same transaction, so a change
 * and its entry commit together or not at all. Outside one (a job, a public route, SES events) nothing is
 * audited: only organisers' actions are.
 */
export interface AuditScope {
  readonly actor: AuditActor;
  /** The route key, e.g. `POST /api/organiser/meetings/{id}/cancel`. */
  readonly action: string;
  readonly requestId: string;
  /** A new time-ordered id per entry. */
  readonly newEntryId: () => string;
  readonly now: () => Date;
  /** Days an entry is kept (AUDIT_RETENTION_DAYS). */
  readonly retentionDays: number;
  /** The entries written so far, in this action's committed writes. */
  readonly recorded: AuditEntry[];
  /** What an action that writes no record of its own was about (auditAbout), for its entry. */
  about?: { readonly targetId?: string; readonly personId?: string };
}

const scopes = new AsyncLocalStorage<AuditScope>();

/** Runs `action` as the organiser's action `scope`: writes inside it carry its audit entries. */
export const inAuditScope = <T>(scope: AuditScope, action: () => Promise<T>): Promise<T> =>
  scopes.run(scope, action);

/** The entry a write of `change` carries, if an organiser's action is being carried out; else undefined. */
export const auditEntryFor = (change: AuditedChange): AuditEntry | undefined => {
  const scope = scopes.getStore();
  if (!scope) return undefined;
  const at = scope.now();
  return {
    ...change,
    entryId: scope.newEntryId(),
    at: at.toISOString(),
    expiresAt: auditEntryExpiresAt(at, scope.retentionDays).toISOString(),
    actor: scope.actor,
    action: scope.action,
    requestId: scope.requestId,
  };
};

/**
 * Says what the action being carried out is about, when it writes no record that would say so: a read of one
 * person's suppression names that person, so their entry is in the person index too.
 */
export const auditAbout = (about: { readonly targetId?: string; readonly personId?: string }): void => {
  const scope = scopes.getStore();
  if (scope) scope.about = about;
};

/** Notes an entry as committed (its write succeeded), so the action is not recorded a second time. */
export const noteRecorded = (entry: AuditEntry): void => {
  scopes.getStore()?.recorded.push(entry);
};
