import type { RequestingPorts } from '../core/reports/requests';
import { onceResolved } from './once';
import { personIds } from './person-ids';
import { reportRequests } from './report-requests';

/** Asking for a report on request: the address typed is keyed by the person-id key. */
export const reportRequesting = onceResolved(
  async (): Promise<RequestingPorts> => ({ ...reportRequests(), personIds: await personIds() }),
);
