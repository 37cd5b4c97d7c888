import { InvalidInput } from '../errors';
import type { Clock, IdGenerator } from '../ports';
import type { ReportDocuments, UploadCheck, UploadForm } from './documents';
import { type Report, StaleReport } from './report';
import { findReport, type ReportStore } from './use-cases';

/**
 * A report's PDF (docs/architecture.md, "Report documents (PDFs)"): the organiser asks for an upload form,
 * the browser (or the CLI) posts the file to storage, and the completing call checks it and only then makes
 * it the report's document. A replaced document is deleted (the bucket keeps its versions a year).
 */

export interface AttachmentPorts {
  readonly store: Pick<ReportStore, 'get' | 'replace'>;
  readonly documents: ReportDocuments;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** Why an upload was refused, as the 400 says it. */
const refusals: Readonly<Record<Exclude<UploadCheck, { ok: true }>['reason'], string>> = {
  missing:
    'Er is geen upload gevonden: het formulier is verlopen of al gebruikt. Vraag een nieuw formulier aan.',
  'too-large': 'Het bestand is te groot (hoogstens 20 MB).',
  'wrong-type': 'Alleen PDF-bestanden (application/pdf) kunnen worden geüpload.',
  'not-pdf': 'Dit bestand is geen PDF: het begint niet met %PDF-.',
};

const filenamePattern = /^[\p{L}\p{N} ._()-]{1,96}\.pdf$/iu;

/** An upload form for a report's PDF, and the id the completing call names it by. */
export const documentUploadForm = async (
  ports: AttachmentPorts,
  reportId: string,
): Promise<UploadForm & { readonly uploadId: string }> => {
  await findReport(ports, reportId);
  const uploadId = ports.ids.next();
  return { uploadId, ...(await ports.documents.uploadForm(uploadId, ports.clock.now())) };
};

/**
 * The completing call (If-Match when given).
 * 1. The report exists; the name to save it as ends in .pdf (default `<slug>.pdf`).
 * 2. The upload is checked and moved into place, or deleted: a refusal is a 400 that says why.
 * 3. The report names its new document (`reports/<reportId>/<uploadId>.pdf`), conditional on the version
 *    read; if that write fails, the new object goes again. The one it replaces is deleted. Completing the
 *    same upload again answers the report as it is.
 */
export const attachDocument = async (
  ports: AttachmentPorts,
  reportId: string,
  upload: { readonly uploadId: string; readonly filename?: string },
  expectedVersion: number | undefined,
): Promise<Report> => {
  const report = await findReport(ports, reportId);
  if (expectedVersion !== undefined && report.version !== expectedVersion) throw new StaleReport();
  const filename = upload.filename ?? `${report.slug}.pdf`;
  if (!filenamePattern.test(filename)) {
    throw new InvalidInput([
      {
        field: 'filename',
        message: 'Een bestandsnaam van letters, cijfers, spaties en . _ ( ) -, eindigend op .pdf.',
      },
    ]);
  }
  // Named after its upload: a repeated call (a lost answer) finds the document the first one kept.
  const key = `reports/${reportId}/${upload.uploadId}.pdf`;
  if (report.document?.key === key) return report;
  const check = await ports.documents.complete(upload.uploadId, key);
  if (!check.ok) throw new InvalidInput([{ field: 'uploadId', message: refusals[check.reason] }]);
  const now = ports.clock.now().toISOString();
  const next: Report = {
    ...report,
    document: { key, filename, bytes: check.bytes, uploadedAt: now },
    version: report.version + 1,
    updatedAt: now,
  };
  try {
    await ports.store.replace(report, next);
  } catch (error) {
    await ports.documents.remove(key).catch(() => undefined);
    throw error;
  }
  if (report.document) await ports.documents.remove(report.document.key);
  return next;
};
