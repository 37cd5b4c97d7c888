import { type AuditScope, auditAbout, auditEntryFor, inAuditScope } from '../adapters/audit-scope';
import { auditWriter, recordAuditEntry } from '../adapters/dynamo/audit-trail';
import { installAuditWriter } from '../adapters/dynamo/audited-writes';
import type { AuditActor, AuditKind } from '../core/organisers/audit';
import { clock, config, ids } from './process';
import { dynamo, tableName } from './table';

/**
 * The audit trail's wiring (docs/architecture.md, "The audit trail"), for the functions of audited routes
 * only: importing this installs the audit writer, so their stores write each change with its entry; a
 * function that never imports it bundles nothing of the trail.
 */
installAuditWriter(auditWriter);

export { auditAbout };

/**
 * Carries out `carryOut` as the organiser's `action` (its route key) and makes sure it leaves one entry: the
 * stores write it with the change; an action that `succeeded` without writing a record gets one here, after it.
 */
export const audited = async <T>(
  {
    actor,
    action,
    requestId,
    kind,
    targetId,
  }: {
    readonly actor: AuditActor;
    readonly action: string;
    readonly requestId: string;
    readonly kind: AuditKind;
    readonly targetId: string;
  },
  carryOut: () => Promise<T>,
  succeeded: (result: T) => boolean,
): Promise<T> => {
  const scope: AuditScope = {
    actor,
    action,
    requestId,
    newEntryId: () => ids.next(),
    now: () => clock.now(),
    retentionDays: config.AUDIT_RETENTION_DAYS,
    recorded: [],
  };
  return inAuditScope(scope, async () => {
    const result = await carryOut();
    if (succeeded(result) && scope.recorded.length === 0) {
      const entry = auditEntryFor({
        kind,
        targetId: scope.about?.targetId ?? targetId,
        versionBefore: null,
        versionAfter: null,
        changes: [],
        ...(scope.about?.personId ? { personId: scope.about.personId } : {}),
      });
      if (entry) await recordAuditEntry(dynamo(), tableName, entry);
    }
    return result;
  });
};
