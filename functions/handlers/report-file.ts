import { logger } from '../adapters/logger';
import { reportDocuments } from '../composition/report-documents';
import { reportStore } from '../composition/report-store';
import { publicDownload } from '../core/reports/requests';
import { httpRoute } from './http/edge';
import { redirectTo } from './http/respond';

/** `GET /publicaties/{slug}/pdf`: a public report's PDF, by a fresh presigned URL per click. */
export const handler = httpRoute(async (event) => {
  const slug = event.pathParameters?.slug ?? '';
  const url = await publicDownload({ reports: reportStore(), documents: reportDocuments() }, slug);
  // Which document got a link (the bucket keeps no access logs: docs/architecture.md, "Privacy").
  logger.info('Report download signed', { slug, onRequest: false });
  return redirectTo(url);
});
