import { reportDocuments } from '../composition/report-documents';
import { reportStore } from '../composition/report-store';
import { publicDownload } from '../core/reports/requests';
import { httpRoute } from './http/edge';
import { redirectTo } from './http/respond';

/** `GET /publicaties/{slug}/pdf`: a public report's PDF, by a fresh presigned URL per click. */
export const handler = httpRoute(async (event) =>
  redirectTo(
    await publicDownload(
      { reports: reportStore(), documents: reportDocuments() },
      event.pathParameters?.slug ?? '',
    ),
    { 'cache-control': 'no-store' },
  ),
);
