import type { ReportRequestPorts } from '../core/reports/requests';
import { once } from './once';
import { clock } from './process';
import { reportRequestStore } from './report-request-store';
import { reportStore } from './report-store';

/** Confirming and approving requests: named by their key, so nobody is keyed by address here. */
export const reportRequests = once(
  (): ReportRequestPorts => ({ reports: reportStore(), requests: reportRequestStore(), clock }),
);
