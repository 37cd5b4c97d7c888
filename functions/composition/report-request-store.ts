import { DynamoReportRequestStore } from '../adapters/dynamo/report-requests';
import { once } from './once';
import { config } from './process';
import { dynamo, tableName } from './table';

/** Requests for reports on request, kept the stage's retention (REPORT_REQUEST_RETENTION_DAYS). */
export const reportRequestStore = once(
  () => new DynamoReportRequestStore(dynamo(), tableName, config.REPORT_REQUEST_RETENTION_DAYS),
);
