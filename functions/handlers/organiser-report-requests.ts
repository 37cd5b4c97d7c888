import { reportRequestStore } from '../composition/report-request-store';
import { reportStore } from '../composition/report-store';
import type { ReportRequestsBody } from '../contract/schemas/reports';
import { findReport } from '../core/reports/use-cases';
import {
  reportRequestsCsv,
  reportRequestsFileName,
  reportRequestsJson,
} from '../web/exports/report-requests';
import { httpRoute } from './http/edge';
import { json } from './http/respond';

/**
 * `GET /api/organiser/reports/{id}/requests` (JSON) and `…/requests.csv`: who asked for a report on request,
 * confirmed or not, granted or waiting, and how often they downloaded it — for the impact reporting.
 */
export const handler = httpRoute(async (event) => {
  const report = await findReport({ store: reportStore() }, event.pathParameters?.id ?? '');
  const requests = await reportRequestStore().list(report.reportId);
  if (!event.routeKey.endsWith('.csv'))
    return json(200, reportRequestsJson(report, requests) satisfies ReportRequestsBody);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${reportRequestsFileName(report)}"`,
    },
    // UTF-8 with BOM and `;`, base64 because API Gateway passes binary bodies so.
    body: Buffer.from(reportRequestsCsv(requests), 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
});
