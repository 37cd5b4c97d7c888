import { audited } from '../../composition/audit';
import { auditKindOfPath } from '../../core/organisers/audit';
import { isAuditedRoute, routeByKey } from '../../routes';
import { httpRoute } from './edge';
import { type HttpEvent, organiserOf } from './request';
import type { HttpResult } from './respond';

/**
 * The HTTP edge of an audited route (every organiser write, and the reads the route table marks `audited`):
 * httpRoute, and the action audited (core/organisers/audit.ts, composition/audit.ts): each store that writes
 * what the action changes writes its entry in the same transaction; an action that succeeded without writing
 * a record of its own (a test mail, a test send, a signed upload form, a read) gets its entry after the fact:
 * it changed nothing an entry could be out of step with.
 */
export const organiserRoute = (handle: (event: HttpEvent) => Promise<HttpResult>) =>
  httpRoute(async (event) => {
    const route = routeByKey(event.routeKey);
    if (!route || !isAuditedRoute(route)) throw new Error(`${event.routeKey} is not an audited route`);
    const kind = auditKindOfPath(route.path);
    if (!kind) throw new Error(`${event.routeKey} acts on nothing the audit trail knows`);
    const organiser = organiserOf(event);
    return audited(
      {
        actor: { subject: organiser.subject, ...(organiser.name ? { name: organiser.name } : {}) },
        action: event.routeKey,
        requestId: event.requestContext.requestId,
        kind,
        targetId: event.pathParameters?.id ?? '',
      },
      () => handle(event),
      (result) => result.statusCode < 300,
    );
  });
