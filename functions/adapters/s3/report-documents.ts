import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  documentContentType,
  maxDocumentBytes,
  pdfSignature,
  type ReportDocuments,
  type UploadCheck,
  type UploadForm,
  uploadFormLifetimeSeconds,
  uploadIdPattern,
  uploadKeyOf,
} from '../../core/reports/documents';

/**
 * Reports' PDFs in a private S3 bucket (docs/architecture.md, "Report documents (PDFs)"). The browser posts a
 * PDF to `uploads/` with a presigned POST whose policy AWS enforces (size, type, key); the completing call
 * checks the object once more — the local S3 server enforces no POST policy, and a policy cannot see the
 * bytes — and only then copies it under the report. Downloads are presigned GETs, one per click.
 */

export interface ReportDocumentsClientSettings {
  readonly region: string;
  /** Offline only: the local S3 server (local/engines/s3.ts). */
  readonly endpoint?: string;
}

/**
 * The credentials offline: static, so a developer's own AWS profile is never used against the local server
 * (which knows this pair; local/engines/s3.ts).
 */
export const localS3Credentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * An S3 client. Built here, next to the commands it sends, so a composition that loads this module on first
 * use (functions/composition/report-documents.ts) bundles only those commands of the SDK. Offline: the
 * endpoint, path-style addresses (no bucket subdomains on 127.0.0.1), static credentials, and checksums
 * only where S3 demands them (the local server does not know the SDK's default CRC32 trailers).
 */
export const reportDocumentsClient = (settings: ReportDocumentsClientSettings): S3Client =>
  new S3Client({
    region: settings.region,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000 },
    ...(settings.endpoint
      ? {
          endpoint: settings.endpoint,
          forcePathStyle: true,
          credentials: localS3Credentials,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });

export interface S3ReportDocumentsOptions {
  readonly bucket: string;
  /** The largest upload. Default maxDocumentBytes; tests set a small one. */
  readonly maxBytes?: number;
}

/** The longest a SigV4 presigned URL may live: 7 days. */
const longestPresignedSeconds = 7 * 24 * 3600;
/** How often the completing call starts over when the upload changed under it (a second post of the form). */
const completeAttempts = 3;

interface ObjectHead {
  readonly bytes: number;
  readonly contentType: string | undefined;
  readonly etag: string | undefined;
}

const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

/**
 * The upload changed between two requests of one completing call (posted again: If-Match failed; or gone):
 * the call starts over from its first read.
 */
class UploadChanged extends Error {
  override readonly name = 'UploadChanged';
}

export class S3ReportDocuments implements ReportDocuments {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #maxBytes: number;

  constructor(client: S3Client, options: S3ReportDocumentsOptions) {
    this.#client = client;
    this.#bucket = options.bucket;
    this.#maxBytes = options.maxBytes ?? maxDocumentBytes;
  }

  async uploadForm(uploadId: string, now: Date): Promise<UploadForm> {
    const key = uploadKeyOf(assertUploadId(uploadId));
    const { url, fields } = await createPresignedPost(this.#client, {
      Bucket: this.#bucket,
      Key: key,
      Conditions: [
        ['content-length-range', 1, this.#maxBytes],
        ['eq', '$Content-Type', documentContentType],
      ],
      Fields: { 'Content-Type': documentContentType },
      Expires: uploadFormLifetimeSeconds,
    });
    const expires = new Date(now.getTime() + uploadFormLifetimeSeconds * 1000);
    return {
      url,
      fields,
      expiresAt: expires.toISOString(),
      maxBytes: this.#maxBytes,
    };
  }

  async complete(uploadId: string, key: string): Promise<UploadCheck> {
    const uploadKey = uploadKeyOf(assertUploadId(uploadId));
    assertDocumentKey(key);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#completeOnce(uploadKey, key);
      } catch (error) {
        if (!(error instanceof UploadChanged) || attempt >= completeAttempts) throw error;
      }
    }
  }

  async #completeOnce(uploadKey: string, key: string): Promise<UploadCheck> {
    const upload = await this.#head(uploadKey);
    if (!upload) {
      // Gone: completed before (this is a retry), expired, or never posted.
      const stored = await this.#head(key);
      return stored ? { ok: true, bytes: stored.bytes } : { ok: false, reason: 'missing' };
    }
    const refusal = await this.#refusal(uploadKey, upload);
    if (refusal) {
      await this.#delete(uploadKey);
      return { ok: false, reason: refusal };
    }
    try {
      // If-Match: the object checked is the object copied, even if the form is posted again meanwhile.
      await this.#client.send(
        new CopyObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          CopySource: `${this.#bucket}/${uploadKey}`,
          ...(upload.etag ? { CopySourceIfMatch: upload.etag } : {}),
          MetadataDirective: 'REPLACE',
          ContentType: documentContentType,
        }),
      );
    } catch (error) {
      // 412: posted again since the check; 404: completed meanwhile by a call beside this one.
      if (statusOf(error) === 412 || statusOf(error) === 404) throw new UploadChanged();
      throw error;
    }
    await this.#delete(uploadKey);
    return { ok: true, bytes: upload.bytes };
  }

  /** Why the upload is refused, if it is: its size, its declared type, then its first bytes. */
  async #refusal(
    uploadKey: string,
    upload: ObjectHead,
  ): Promise<(UploadCheck & { ok: false })['reason'] | undefined> {
    if (upload.bytes > this.#maxBytes) return 'too-large';
    if (upload.contentType !== documentContentType) return 'wrong-type';
    // An empty file is no PDF (and has no first bytes to read).
    if (upload.bytes < pdfSignature.length) return 'not-pdf';
    let first: Uint8Array;
    try {
      const response = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: uploadKey,
          Range: `bytes=0-${pdfSignature.length - 1}`,
          ...(upload.etag ? { IfMatch: upload.etag } : {}),
        }),
      );
      first = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) throw new UploadChanged();
      throw error;
    }
    return Buffer.from(first).toString('latin1') === pdfSignature ? undefined : 'not-pdf';
  }

  /** The object's size, type and ETag; undefined when there is none (404: the role may list the bucket). */
  async #head(key: string): Promise<ObjectHead | undefined> {
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return { bytes: head.ContentLength ?? 0, contentType: head.ContentType, etag: head.ETag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string> {
    assertDocumentKey(key);
    if (
      !Number.isInteger(expiresInSeconds) ||
      expiresInSeconds < 1 ||
      expiresInSeconds > longestPresignedSeconds
    )
      throw new RangeError(
        `A download link lives 1 to ${longestPresignedSeconds} whole seconds, not ${expiresInSeconds}`,
      );
    return getSignedUrl(
      this.#client,
      new GetObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        ResponseContentType: documentContentType,
        ResponseContentDisposition: attachmentDisposition(filename),
        // Not kept in a shared computer's browser cache: on-request reports are not for everyone.
        ResponseCacheControl: 'private, no-store',
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  async remove(key: string): Promise<void> {
    assertDocumentKey(key);
    await this.#delete(key);
  }

  async #delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }
}

const assertUploadId = (uploadId: string): string => {
  if (!uploadIdPattern.test(uploadId))
    throw new RangeError('An upload id is 1 to 128 of A-Z, a-z, 0-9, _ and -');
  return uploadId;
};

/** A stored document's key: never an upload's (those expire after a day), never a path trick. */
const assertDocumentKey = (key: string): void => {
  if (
    key.length === 0 ||
    key.length > 512 ||
    key.startsWith('/') ||
    key.startsWith('uploads/') ||
    key.split('/').some((part) => part === '' || part === '.' || part === '..') ||
    /\p{Cc}/u.test(key)
  )
    throw new RangeError(`Not a document key: ${JSON.stringify(key)}`);
};

const fallbackStem = 'document';
const longestStem = 120;

/** The stem cut to `longestStem` characters (not code units), with `.pdf` after it. */
const pdfName = (stem: string): string =>
  `${[...stem].slice(0, longestStem).join('').trim() || fallbackStem}.pdf`;

/**
 * `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): the quoted name ASCII only (accents dropped,
 * curly apostrophes straight, anything else that is not a letter, digit, space or one of `._(),+'-` made
 * `_`: no quote or backslash can end the quoted string), the RFC 5987 name in UTF-8 as typed, less control
 * and format characters and path separators. Both end in `.pdf`.
 */
export const attachmentDisposition = (filename: string): string => {
  const typed = filename
    // A lone surrogate (no character at all) would make encodeURIComponent throw.
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .normalize('NFC')
    // Control and format characters (a right-to-left override could disguise the name).
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[/\\]/g, '_')
    .trim()
    .replace(/\.pdf$/i, '')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  const ascii = typed
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[^A-Za-z0-9 ._(),+'-]/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[._ ]+|[._ ]+$/g, '');
  const encoded = encodeURIComponent(pdfName(typed)).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${pdfName(ascii)}"; filename*=UTF-8''${encoded}`;
};
