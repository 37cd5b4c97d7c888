import type { ReportDownloadPorts } from '../core/reports/requests';
import { once } from './once';
import { clock } from './process';
import { reportDocuments } from './report-documents';
import { reportRequestStore } from './report-request-store';
import { reportStore } from './report-store';

/** The download links of granted requests: the request, the report and the private bucket. */
export const reportDownloads = once(
  (): ReportDownloadPorts => ({
    reports: reportStore(),
    requests: reportRequestStore(),
    documents: reportDocuments(),
    clock,
  }),
);
