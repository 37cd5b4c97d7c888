import type { ReportRequestPorts } from '../core/reports/requests';
import { onceResolved } from './once';
import { personIds } from './person-ids';
import { clock } from './process';
import { reportRequestStore } from './report-request-store';
import { reportStore } from './report-store';

/** Asking for, confirming and approving requests: people are keyed by address (the person-id key). */
export const reportRequests = onceResolved(
  async (): Promise<ReportRequestPorts> => ({
    reports: reportStore(),
    requests: reportRequestStore(),
    personIds: await personIds(),
    clock,
  }),
);
