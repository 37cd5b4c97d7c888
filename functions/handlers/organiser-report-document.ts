import { reportAttachments } from '../composition/report-attachments';
import type { DocumentUploadFormBody, OrganiserReportBody } from '../contract/schemas/reports';
import { attachDocument, documentUploadForm } from '../core/reports/attachments';
import { organiserRoute } from './http/organiser-route';
import { ifMatchVersion, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { attachDocumentRequest } from './inputs/reports';
import { etagOf, organiserReportView } from './views/reports';

/**
 * A report's PDF (core/reports/attachments.ts):
 * - `POST /api/organiser/reports/{id}/upload`: a presigned POST form (15 minutes, PDF only, 20 MB at most)
 *   and the `uploadId` to complete it with;
 * - `PUT /api/organiser/reports/{id}/document` with `{ uploadId, filename? }` (If-Match when given): the
 *   upload is checked and becomes the report's document, or is deleted and refused (400 that says why).
 */
export const handler = organiserRoute(async (event) => {
  const id = event.pathParameters?.id ?? '';
  if (event.routeKey.startsWith('POST'))
    return json(201, (await documentUploadForm(reportAttachments(), id)) satisfies DocumentUploadFormBody);
  const { uploadId, filename } = parseJsonBody(event, attachDocumentRequest);
  const report = await attachDocument(
    reportAttachments(),
    id,
    { uploadId, ...(filename !== undefined ? { filename } : {}) },
    ifMatchVersion(event, { required: false }),
  );
  return json(200, organiserReportView(report) satisfies OrganiserReportBody, { etag: etagOf(report) });
});
