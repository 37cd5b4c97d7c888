import { createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  attachmentDisposition,
  reportDocumentsClient,
  S3ReportDocuments,
} from '../../functions/adapters/s3/report-documents';
import { ConfigError, loadConfig, reportDocumentsBucket } from '../../functions/config';
import { maxDocumentBytes, uploadFormLifetimeSeconds } from '../../functions/core/reports/documents';
import { minimalEnvironment } from '../support/config-environment';

/**
 * The presigned POST's policy (docs/architecture.md, "Report documents (PDFs)"). AWS enforces it when the
 * browser posts; the local S3 server does not, so the conditions are checked here, in the form the browser is
 * given: decoded from its `Policy` field, and verified against its signature.
 */

// The pinned SDK is known to work on Node 20 (docs/architecture.md, "The offline twin").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const bucket = 'dropin-prod-reportdocuments-abc123';
const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret-of-the-function-role' };
const awsClient = (sessionToken?: string) =>
  new S3Client({
    region: 'eu-west-1',
    credentials: { ...credentials, ...(sessionToken ? { sessionToken } : {}) },
  });

interface Policy {
  readonly expiration: string;
  readonly conditions: readonly (Record<string, string> | readonly (string | number)[])[];
}
const policyOf = (fields: Readonly<Record<string, string>>): Policy =>
  JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as Policy;

/** SigV4's signing key for S3 on the date of the form, and the signature of the policy with it. */
const signatureOf = (policy: string, date: string, secret = credentials.secretAccessKey): string => {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = ['eu-west-1', 's3', 'aws4_request'].reduce(hmac, hmac(`AWS4${secret}`, date.slice(0, 8)));
  return createHmac('sha256', key).update(policy).digest('hex');
};

describe('the upload form (presigned POST)', () => {
  const documents = new S3ReportDocuments(awsClient(), { bucket });
  const now = new Date();

  it('posts to the private bucket, for exactly uploads/<id>.pdf, with the PDF type and nothing to fill in', async () => {
    const form = await documents.uploadForm('01JUPLOAD-abc_1', now);
    expect(new URL(form.url).hostname).toBe(`${bucket}.s3.eu-west-1.amazonaws.com`);
    expect(form.fields).toMatchObject({
      key: 'uploads/01JUPLOAD-abc_1.pdf',
      'Content-Type': 'application/pdf',
      bucket,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    });
    expect(form.fields['X-Amz-Credential']).toMatch(/^AKIAEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(form.maxBytes).toBe(maxDocumentBytes);
    expect(maxDocumentBytes).toBe(20 * 1024 * 1024);
  });

  it('is limited by its policy: 1 byte to 20 MiB, Content-Type exactly application/pdf, the one key, the bucket', async () => {
    const form = await documents.uploadForm('report-upload-1', now);
    const { conditions } = policyOf(form.fields);
    expect(conditions).toContainEqual(['content-length-range', 1, maxDocumentBytes]);
    expect(conditions).toContainEqual(['eq', '$Content-Type', 'application/pdf']);
    expect(conditions).toContainEqual({ key: 'uploads/report-upload-1.pdf' });
    expect(conditions).toContainEqual({ bucket });
    // Nothing loosens them: no prefix match for any field, one size range, no second key.
    expect(
      conditions.filter((condition) => Array.isArray(condition) && condition[0] === 'starts-with'),
    ).toEqual([]);
    expect(
      conditions.filter((condition) => Array.isArray(condition) && condition[0] === 'content-length-range'),
    ).toHaveLength(1);
    expect(conditions.filter((condition) => !Array.isArray(condition) && 'key' in condition)).toHaveLength(1);
  });

  it('expires in 15 minutes, and says so', async () => {
    const before = Date.now();
    const form = await documents.uploadForm('expiry', now);
    const expiration = Date.parse(policyOf(form.fields).expiration);
    expect(expiration).toBeGreaterThanOrEqual(before - 1_000 + uploadFormLifetimeSeconds * 1000);
    expect(expiration).toBeLessThanOrEqual(Date.now() + 1_000 + uploadFormLifetimeSeconds * 1000);
    expect(uploadFormLifetimeSeconds).toBe(15 * 60);
    expect(form.expiresAt).toBe(new Date(now.getTime() + 15 * 60 * 1000).toISOString());
  });

  it('covers every field it gives the browser in its policy (AWS refuses a form with an uncovered field)', async () => {
    const form = await documents.uploadForm('covered', now);
    const covered = new Set(
      policyOf(form.fields).conditions.flatMap((condition) =>
        Array.isArray(condition)
          ? [String(condition[1]).replace(/^\$/, '')]
          : Object.keys(condition as Record<string, string>),
      ),
    );
    const fields = Object.keys(form.fields).filter((name) => !['Policy', 'X-Amz-Signature'].includes(name));
    expect(fields.filter((name) => !covered.has(name))).toEqual([]);
  });

  it('carries the session token of a function role, covered by the policy', async () => {
    const form = await new S3ReportDocuments(awsClient('session-token-of-the-role'), { bucket }).uploadForm(
      'with-session',
      now,
    );
    expect(form.fields['X-Amz-Security-Token']).toBe('session-token-of-the-role');
    expect(policyOf(form.fields).conditions).toContainEqual({
      'X-Amz-Security-Token': 'session-token-of-the-role',
    });
  });

  it('is signed over the policy, so a changed policy no longer matches (the check can fail)', async () => {
    const form = await documents.uploadForm('signed', now);
    const { Policy: policy = '', 'X-Amz-Signature': signature, 'X-Amz-Date': date = '' } = form.fields;
    expect(signatureOf(policy, date)).toBe(signature);
    const looser = Buffer.from(
      Buffer.from(policy, 'base64')
        .toString('utf8')
        .replace(String(maxDocumentBytes), String(maxDocumentBytes * 50)),
    ).toString('base64');
    expect(looser).not.toBe(policy);
    expect(signatureOf(looser, date)).not.toBe(signature);
    expect(signatureOf(policy, date, 'another-secret')).not.toBe(signature);
  });

  it('uses a smaller limit where one is set', async () => {
    const small = new S3ReportDocuments(awsClient(), { bucket, maxBytes: 1024 });
    const form = await small.uploadForm('small', now);
    expect(form.maxBytes).toBe(1024);
    expect(policyOf(form.fields).conditions).toContainEqual(['content-length-range', 1, 1024]);
  });

  it('refuses an upload id that is not one key segment', async () => {
    for (const id of ['', '../reports/x', 'a/b', 'a.b', 'with space', 'x'.repeat(129)]) {
      await expect(documents.uploadForm(id, now), id).rejects.toThrow(RangeError);
    }
  });

  it('posts path-style to the local server offline', async () => {
    const offline = new S3ReportDocuments(
      reportDocumentsClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:8007' }),
      { bucket: 'dropin-report-documents' },
    );
    const form = await offline.uploadForm('offline', now);
    expect(form.url).toBe('http://127.0.0.1:8007/dropin-report-documents');
    expect(form.fields['X-Amz-Credential']).toMatch(/^local\//);
  });
});

describe('the download link', () => {
  const documents = new S3ReportDocuments(awsClient(), { bucket });

  it('is a presigned GET of the key that answers as a PDF attachment, kept in no cache, for the time given', async () => {
    const url = new URL(await documents.downloadUrl('reports/r1/d1.pdf', 'Jaarupdate 2024.pdf', 300));
    expect(url.origin).toBe(`https://${bucket}.s3.eu-west-1.amazonaws.com`);
    expect(url.pathname).toBe('/reports/r1/d1.pdf');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="Jaarupdate 2024.pdf"; filename*=UTF-8''Jaarupdate%202024.pdf`,
    );
    expect(url.searchParams.get('response-cache-control')).toBe('private, no-store');
  });

  it('refuses a lifetime SigV4 does not allow, and keys of uploads (as do removing and completing)', async () => {
    for (const seconds of [0, -1, 1.5, 7 * 24 * 3600 + 1]) {
      await expect(documents.downloadUrl('reports/r1/d1.pdf', 'a.pdf', seconds)).rejects.toThrow(RangeError);
    }
    for (const key of ['uploads/x.pdf', '/reports/x.pdf', 'reports/../uploads/x.pdf', 'reports//x.pdf', '']) {
      await expect(documents.downloadUrl(key, 'a.pdf', 60), key).rejects.toThrow(RangeError);
      await expect(documents.remove(key), key).rejects.toThrow(RangeError);
      await expect(documents.complete('upload-1', key), key).rejects.toThrow(RangeError);
    }
  });
});

describe('the attachment name', () => {
  it('is ASCII in the quoted name and UTF-8 in filename*', () => {
    expect(attachmentDisposition('Verslag Bergen op Zoom – café’s.pdf')).toBe(
      `attachment; filename="Verslag Bergen op Zoom _ cafe's.pdf"; ` +
        `filename*=UTF-8''Verslag%20Bergen%20op%20Zoom%20%E2%80%93%20caf%C3%A9%E2%80%99s.pdf`,
    );
  });

  it('cannot end the quoted string, add a header or name a folder', () => {
    const disposition = attachmentDisposition('a"b\\c/d\r\nSet-Cookie: x=1;.pdf');
    expect(disposition).toBe(
      `attachment; filename="a_b_c_dSet-Cookie_ x_1.pdf"; filename*=UTF-8''a%22b_c_dSet-Cookie%3A%20x%3D1%3B.pdf`,
    );
    expect(disposition).not.toMatch(/[\r\n]/);
  });

  it('always ends in .pdf, never starts with a dot, and has a name when nothing is left', () => {
    expect(attachmentDisposition('notulen')).toContain('filename="notulen.pdf"');
    expect(attachmentDisposition('NOTULEN.PDF')).toContain('filename="NOTULEN.pdf"');
    expect(attachmentDisposition('..verborgen.pdf')).toContain('filename="verborgen.pdf"');
    expect(attachmentDisposition('')).toBe(
      `attachment; filename="document.pdf"; filename*=UTF-8''document.pdf`,
    );
    expect(attachmentDisposition('日本語.pdf')).toBe(
      `attachment; filename="document.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.pdf`,
    );
  });

  it('survives a lone surrogate and is cut to a sane length', () => {
    expect(attachmentDisposition('a\uD800b')).toContain(`filename*=UTF-8''a%EF%BF%BDb.pdf`);
    const long = attachmentDisposition('x'.repeat(500));
    expect(long).toContain(`filename="${'x'.repeat(120)}.pdf"`);
  });
});

describe('the configuration', () => {
  const base = minimalEnvironment;

  it('names the bucket and, offline, the local server', () => {
    const config = loadConfig({
      ...base,
      REPORT_DOCUMENTS_BUCKET: 'dropin-report-documents',
      S3_ENDPOINT: 'http://127.0.0.1:8007',
    });
    expect(reportDocumentsBucket(config)).toBe('dropin-report-documents');
    expect(config.S3_ENDPOINT).toBe('http://127.0.0.1:8007');
  });

  it('refuses a bucket name S3 would refuse, and a use without one', () => {
    expect(() => loadConfig({ ...base, REPORT_DOCUMENTS_BUCKET: 'Not_A_Bucket' })).toThrow(
      /REPORT_DOCUMENTS_BUCKET/,
    );
    expect(() => reportDocumentsBucket(loadConfig(base))).toThrow(ConfigError);
  });
});
