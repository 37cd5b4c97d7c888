import { reportDocumentsBucket } from '../config';
import type { ReportDocuments } from '../core/reports/documents';
import { once, onceResolved } from './once';
import { config } from './process';

/**
 * Reports' PDFs (docs/architecture.md, "Report documents (PDFs)"): the private bucket in AWS, the local S3
 * server offline (S3_ENDPOINT). The adapter, and with it the S3 client and the presigners, is loaded with a
 * dynamic import on first use, so a function that only reads reports does not evaluate them at a cold start.
 * A function without REPORT_DOCUMENTS_BUCKET fails at its first use of documents, naming the variable.
 */
export const reportDocuments = once((): ReportDocuments => {
  const bucket = reportDocumentsBucket(config);
  const adapter = onceResolved(async () => {
    const { S3ReportDocuments, reportDocumentsClient } = await import('../adapters/s3/report-documents');
    const client = reportDocumentsClient({
      region: config.AWS_REGION,
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    });
    return new S3ReportDocuments(client, { bucket });
  });
  return {
    uploadForm: async (uploadId, now) => (await adapter()).uploadForm(uploadId, now),
    complete: async (uploadId, key) => (await adapter()).complete(uploadId, key),
    downloadUrl: async (key, filename, expiresInSeconds) =>
      (await adapter()).downloadUrl(key, filename, expiresInSeconds),
    remove: async (key) => (await adapter()).remove(key),
  };
});
