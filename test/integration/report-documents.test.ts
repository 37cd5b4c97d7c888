import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDocumentsClient, S3ReportDocuments } from '../../functions/adapters/s3/report-documents';
import type { UploadCheck, UploadForm } from '../../functions/core/reports/documents';
import { isPortFree } from '../../local/engines/ports';
import { type S3Server, startS3Server } from '../../local/engines/s3';

/**
 * The S3 adapter of reports' PDFs against the local S3 server (local/engines/s3.ts) as `npm start` runs it:
 * the browser's form POST, the completing call that checks what arrived (the server, unlike AWS, enforces no
 * POST policy — so a refused upload here is refused by the adapter alone), and the presigned GET, whose
 * signature and expiry the server does check.
 */

const bucket = 'dropin-report-documents';
const site = 'http://localhost:3000';
/** Small, so the too-large case needs no 20 MiB: the limit is the adapter's, the policy the same. */
const maxBytes = 1024;

let directory: string;
let server: S3Server;
let client: S3Client;
let documents: S3ReportDocuments;
let serial = 0;
type UploadCheckReason = (UploadCheck & { ok: false })['reason'];
const nextUploadId = () => `upload-${Date.now()}-${++serial}`;

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  directory = mkdtempSync(join(tmpdir(), 'dropin-s3-'));
  server = await startS3Server({ port: 0, directory, buckets: [bucket], corsOrigins: [site] });
  client = reportDocumentsClient({ region: 'eu-west-1', endpoint: server.endpoint });
  documents = new S3ReportDocuments(client, { bucket, maxBytes });
});

afterAll(async () => {
  client?.destroy();
  await server?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const pdf = (bytes: number): Uint8Array => {
  const content = new Uint8Array(bytes).fill(0x20);
  content.set(new TextEncoder().encode('%PDF-1.7\n'));
  return content;
};

/** Posts the form as a browser does (multipart, the file last), with the fields it was given unless changed. */
const post = async (
  form: UploadForm,
  content: Uint8Array,
  changed: Readonly<Record<string, string>> = {},
): Promise<Response> => {
  const body = new FormData();
  for (const [name, value] of Object.entries({ ...form.fields, ...changed })) body.append(name, value);
  body.append(
    'file',
    new Blob([content], { type: changed['Content-Type'] ?? 'application/pdf' }),
    'verslag.pdf',
  );
  return fetch(form.url, { method: 'POST', body, headers: { origin: site } });
};

const exists = async (key: string): Promise<boolean> => {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw error;
  }
};

/** An upload posted with the form of a fresh id; its id and the key it landed at. */
const uploaded = async (content: Uint8Array, changed: Readonly<Record<string, string>> = {}) => {
  const uploadId = nextUploadId();
  const response = await post(await documents.uploadForm(uploadId, new Date()), content, changed);
  expect(response.status).toBe(204);
  const uploadKey = `uploads/${uploadId}.pdf`;
  expect(await exists(uploadKey)).toBe(true);
  return { uploadId, uploadKey };
};

describe('an upload', () => {
  it('of a PDF is posted with the form, then kept under the report by the completing call, once', async () => {
    const content = pdf(800);
    const { uploadId, uploadKey } = await uploaded(content);
    const key = `reports/r-${uploadId}/d1.pdf`;

    expect(await documents.complete(uploadId, key)).toEqual({ ok: true, bytes: 800 });
    expect(await exists(key)).toBe(true);
    expect(await exists(uploadKey)).toBe(false);
    // A retry (the answer was lost) finds the document where the first call put it.
    expect(await documents.complete(uploadId, key)).toEqual({ ok: true, bytes: 800 });

    const download = await fetch(await documents.downloadUrl(key, 'Verslag.pdf', 60));
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(content);
  });

  it('answers the site origin for CORS, so a page may read the answer of its post', async () => {
    const response = await post(await documents.uploadForm(nextUploadId(), new Date()), pdf(100));
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(site);
  });

  it.each<{
    case: string;
    content: Uint8Array;
    changed: Readonly<Record<string, string>>;
    reason: UploadCheckReason;
  }>([
    { case: 'larger than the limit', content: pdf(maxBytes + 1), changed: {}, reason: 'too-large' },
    {
      case: 'of another type',
      content: pdf(100),
      changed: { 'Content-Type': 'text/plain' },
      reason: 'wrong-type',
    },
    {
      case: 'that does not start with %PDF-',
      content: new TextEncoder().encode('<html>%PDF-1.7</html>'),
      changed: {},
      reason: 'not-pdf',
    },
    { case: 'that is empty', content: new Uint8Array(), changed: {}, reason: 'not-pdf' },
  ])(
    '$case is refused ($reason): nothing is kept, and the upload is deleted',
    async ({ content, changed, reason }) => {
      const { uploadId, uploadKey } = await uploaded(content, changed);
      const key = `reports/r-${uploadId}/d1.pdf`;

      expect(await documents.complete(uploadId, key)).toEqual({ ok: false, reason });
      expect(await exists(key)).toBe(false);
      expect(await exists(uploadKey)).toBe(false);
      // And it stays refused: a retry finds neither.
      expect(await documents.complete(uploadId, key)).toEqual({ ok: false, reason: 'missing' });
    },
  );

  it('exactly at the limit is kept (the limit is inclusive, as content-length-range is)', async () => {
    const { uploadId } = await uploaded(pdf(maxBytes));
    expect(await documents.complete(uploadId, `reports/r-${uploadId}/d1.pdf`)).toEqual({
      ok: true,
      bytes: maxBytes,
    });
  });

  it('that was never posted is missing', async () => {
    expect(await documents.complete(nextUploadId(), 'reports/r-none/d1.pdf')).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});

describe('a download link', () => {
  const key = 'reports/r-download/d1.pdf';
  const content = pdf(300);

  beforeAll(async () => {
    const { uploadId } = await uploaded(content);
    expect(await documents.complete(uploadId, key)).toEqual({ ok: true, bytes: 300 });
  });

  it('downloads the bytes as a PDF attachment, with the typed name in filename*', async () => {
    const response = await fetch(await documents.downloadUrl(key, 'Bergen op Zoom – café’s (2024).pdf', 60));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Bergen op Zoom _ cafe's (2024).pdf"; ` +
        `filename*=UTF-8''Bergen%20op%20Zoom%20%E2%80%93%20caf%C3%A9%E2%80%99s%20%282024%29.pdf`,
    );
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(content);
  });

  it('is refused with one character of its signature changed (and works unchanged)', async () => {
    const url = new URL(await documents.downloadUrl(key, 'a.pdf', 60));
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    const tampered = new URL(url);
    tampered.searchParams.set(
      'X-Amz-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('SignatureDoesNotMatch');
    expect((await fetch(url)).status).toBe(200);
  });

  it('is refused for another key than it was signed for', async () => {
    const url = new URL(await documents.downloadUrl(key, 'a.pdf', 60));
    url.pathname = url.pathname.replace('d1.pdf', 'd2.pdf');
    expect((await fetch(url)).status).toBe(403);
  });

  it('is refused once expired', async () => {
    const url = await documents.downloadUrl(key, 'a.pdf', 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Request has expired');
  });

  it('finds nothing once the document is removed', async () => {
    const { uploadId } = await uploaded(pdf(50));
    const removable = `reports/r-${uploadId}/d1.pdf`;
    expect(await documents.complete(uploadId, removable)).toEqual({ ok: true, bytes: 50 });
    await documents.remove(removable);
    expect(await exists(removable)).toBe(false);
    expect((await fetch(await documents.downloadUrl(removable, 'a.pdf', 60))).status).toBe(404);
  });
});

describe('the local server', () => {
  it('keeps its objects in the folder it was given', () => {
    expect(existsSync(join(directory, bucket))).toBe(true);
  });

  it('stops: its port is free again (the last test: the others need it)', async () => {
    await server.stop();
    expect(await isPortFree(server.port, '127.0.0.1')).toBe(true);
  });
});
