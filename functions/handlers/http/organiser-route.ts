import { type AuditScope, auditEntryFor, inAuditScope } from '../../adapters/audit-scope';
import { auditWriter, recordAuditEntry } from '../../adapters/dynamo/audit-trail';
import { installAuditWriter } from '../../adapters/dynamo/audited-writes';
import { clock, config, ids } from '../../composition/process';
import { dynamo, tableName } from '../../composition/table';
import { auditKindOfPath } from '../../core/organisers/audit';
import { isAuditedRoute, routeByKey } from '../../routes';
import { httpRoute } from './edge';
import { type HttpEvent, organiserOf } from './request';
import type { HttpResult } from './respond';

/**
 * The HTTP edge of an audited route (every organiser write, and the reads the route table marks `audited`):
 * httpRoute, and the action audited (core/organisers/audit.ts). The handler runs in an audit scope (adapters/audit-scope.ts), so each
 * store that writes what the action changes writes the entry in the same transaction. An action that
 * succeeded without writing a record of its own (a test mail, a test send, a signed upload form) gets its
 * entry here, after the fact: it changed nothing an entry could be out of step with.
 */
export const organiserRoute = (handle: (event: HttpEvent) => Promise<HttpResult>) => {
  // Only here: a function without an audited route bundles nothing of the audit trail (audited-writes.ts).
  installAuditWriter(auditWriter);
  return httpRoute(async (event) => {
    const route = routeByKey(event.routeKey);
    if (!route || !isAuditedRoute(route)) throw new Error(`${event.routeKey} is not an audited route`);
    const kind = auditKindOfPath(route.path);
    if (!kind) throw new Error(`${event.routeKey} acts on nothing the audit trail knows`);
    const organiser = organiserOf(event);
    const scope: AuditScope = {
      actor: { subject: organiser.subject, ...(organiser.name ? { name: organiser.name } : {}) },
      action: event.routeKey,
      requestId: event.requestContext.requestId,
      newEntryId: () => ids.next(),
      now: () => clock.now(),
      retentionDays: config.AUDIT_RETENTION_DAYS,
      recorded: [],
    };
    return inAuditScope(scope, async () => {
      const result = await handle(event);
      if (result.statusCode < 300 && scope.recorded.length === 0) {
        const entry = auditEntryFor({
          kind,
          targetId: event.pathParameters?.id ?? '',
          versionBefore: null,
          versionAfter: null,
          changes: [],
        });
        if (entry) await recordAuditEntry(dynamo(), tableName, entry);
      }
      return result;
    });
  });
};
