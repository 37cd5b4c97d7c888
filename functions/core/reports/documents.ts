/**
 * A report's private PDFs (docs/architecture.md, "Report documents (PDFs)"): the port the core owns. The
 * browser uploads a PDF straight to storage with a short-lived form; the completing call checks what arrived
 * and only then keeps it under the report; a download is a short-lived link per click. The S3 adapter is
 * functions/adapters/s3/report-documents.ts.
 */

/** The largest PDF an organiser may upload: 20 MiB. */
export const maxDocumentBytes = 20 * 1024 * 1024;

/** How long an upload form may be used. */
export const uploadFormLifetimeSeconds = 15 * 60;

/** The one content type an upload may have, and every download is served with. */
export const documentContentType = 'application/pdf';

/** The bytes every PDF starts with (ISO 32000, "File header"). */
export const pdfSignature = '%PDF-';

/** What an upload id may look like: it names an object key, so no slashes, dots or spaces. */
export const uploadIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

/** Where an upload lands before the completing call: `uploads/<uploadId>.pdf` (expired after a day). */
export const uploadKeyOf = (uploadId: string): string => `uploads/${uploadId}.pdf`;

/** The outcome of completing an upload: kept (with its size) or refused, with why. */
export type UploadCheck =
  | { readonly ok: true; readonly bytes: number }
  | { readonly ok: false; readonly reason: 'missing' | 'too-large' | 'wrong-type' | 'not-pdf' };

/** A presigned POST: the browser posts `fields` and then the file (as the form's last field, `file`) to `url`. */
export interface UploadForm {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  /** RFC 3339, UTC. */
  readonly expiresAt: string;
  readonly maxBytes: number;
}

export interface ReportDocuments {
  /**
   * A presigned POST for exactly the key `uploads/<uploadId>.pdf`: content-length-range 1..maxDocumentBytes,
   * Content-Type exactly application/pdf, expires in 15 minutes.
   */
  uploadForm(uploadId: string, now: Date): Promise<UploadForm>;
  /**
   * The completing call: reads uploads/<uploadId>.pdf (HEAD + first bytes by Range); size 1..max, ContentType
   * application/pdf, starts with `%PDF-`: copies it to `key` (e.g. reports/<reportId>/<documentId>.pdf) and
   * deletes the upload; otherwise deletes the upload and stores nothing. Idempotent: if the upload is gone but
   * `key` exists, ok with its size.
   */
  complete(uploadId: string, key: string): Promise<UploadCheck>;
  /**
   * A presigned GET of `key`, valid `expiresInSeconds`, answered with Content-Type application/pdf and
   * Content-Disposition attachment; filename="<filename>" (ASCII-safe, plus RFC 5987 filename*).
   */
  downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string>;
  /** Deletes a stored document (all versions are kept by bucket versioning in AWS; this just deletes the current). */
  remove(key: string): Promise<void>;
}
