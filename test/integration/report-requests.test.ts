import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localReportDocumentsBucket, type S3Server, startS3Server } from '../../local/engines/s3';
import type { StoredMail } from '../../local/engines/ses-emulator';
import { jsonRequest } from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Reports on request end to end, against DynamoDB Local, the SES emulator's mailbox and the local S3 server:
 * the organiser uploads the PDF, a reader asks for it, confirms by mail, downloads it by the mailed link;
 * an organiser approves where the report asks for it, and exports the requests.
 */

let system: TestSystem;
let s3: S3Server;
let directory: string;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'dropin-requests-s3-'));
  s3 = await startS3Server({ port: 0, directory, buckets: [localReportDocumentsBucket], corsOrigins: ['*'] });
  system = await startTestSystem({
    logLevel: 'ERROR',
    reportDocuments: { s3Endpoint: s3.endpoint, bucket: localReportDocumentsBucket },
  });
});
afterAll(async () => {
  await system?.stop();
  await s3?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** Every object in the local bucket, as the local server keeps them on disk (one file per object). */
const storedKeys = (): string[] =>
  readdirSync(join(directory, localReportDocumentsBucket), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(objectSuffix))
    .map((name) => name.slice(0, -objectSuffix.length));
const objectSuffix = '._S3rver_object';

const run = Date.now().toString(36);
const pdfBytes = new TextEncoder().encode(`%PDF-1.7\n% Verslag ${run}\n%%EOF\n`);

const createReport = async (title: string, overrides: Record<string, unknown> = {}) => {
  const created = await system.fetchAsOrganiser(
    '/api/organiser/reports',
    jsonRequest('POST', {
      title,
      kind: 'verslag-bijeenkomst',
      summary: 'Het verslag van de bijeenkomst in Bergen op Zoom.',
      body: 'Tekst',
      publishedOn: '2024-11-14',
      visibility: 'on-request',
      ...overrides,
    }),
  );
  expect(created.status).toBe(201);
  const report = (await created.json()) as { reportId: string; slug: string };
  expect(
    (await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}/publish`, { method: 'POST' }))
      .status,
  ).toBe(200);
  return report;
};

/** The organiser's upload: the form, the browser's POST to storage, the completing call. */
const upload = async (reportId: string, content: Uint8Array, type = 'application/pdf') => {
  const formResponse = await system.fetchAsOrganiser(`/api/organiser/reports/${reportId}/upload`, {
    method: 'POST',
  });
  expect(formResponse.status).toBe(201);
  const form = (await formResponse.json()) as {
    uploadId: string;
    url: string;
    fields: Record<string, string>;
  };
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields))
    body.append(name, name === 'Content-Type' ? type : value);
  body.append('file', new Blob([content], { type }), 'verslag.pdf');
  const posted = await fetch(form.url, { method: 'POST', body });
  expect(posted.status).toBeLessThan(300);
  return system.fetchAsOrganiser(
    `/api/organiser/reports/${reportId}/document`,
    jsonRequest('PUT', { uploadId: form.uploadId, filename: 'Verslag Bergen op Zoom.pdf' }),
  );
};

const requestForm = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const linkIn = (mail: StoredMail, path: string): string => {
  const href = new RegExp(`href="([^"]*${path.replaceAll('/', '\\/')}\\?token=[^"]+)"`).exec(
    mail.body.html ?? '',
  )?.[1];
  if (!href) throw new Error(`No ${path} link in "${mail.subject}"`);
  const url = new URL(href.replaceAll('&amp;', '&'));
  return `${url.pathname}${url.search}`;
};

const ask = async (slug: string, email: string, extra: Record<string, string> = {}) =>
  system.fetch(
    `/publicaties/${slug}/aanvragen`,
    requestForm({
      email,
      name: 'Sam de Vries',
      organisation: 'Jongerenwerk Bergen op Zoom',
      purpose: 'Voor ons teamoverleg',
      consent: 'true',
      consentVersion: '2026-12',
      ...extra,
    }),
  );

describe('a report on request', () => {
  it('keeps only a real PDF as its document: too large, another type or no %PDF- ends with nothing in place', async () => {
    const report = await createReport(`Verslag ${run} uploads`);
    // No document yet: the page says it comes, without a form.
    expect(await (await system.fetch(`/publicaties/${report.slug}`)).text()).toContain('binnenkort');

    const refusedWith = async (response: Response, reason: string) => {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        errors: [{ field: 'uploadId', message: expect.stringContaining(reason) }],
      });
    };
    await refusedWith(
      await upload(report.reportId, new TextEncoder().encode('<html>geen pdf</html>')),
      'geen PDF',
    );
    await refusedWith(await upload(report.reportId, pdfBytes, 'text/plain'), 'Alleen PDF-bestanden');
    // One byte over the 20 MiB the policy allows (which the local server does not enforce).
    const tooLarge = new Uint8Array(20 * 1024 * 1024 + 1).fill(0x20);
    tooLarge.set(pdfBytes);
    await refusedWith(await upload(report.reportId, tooLarge), 'te groot');
    // Nothing is left in storage: not the uploads, nothing under the report.
    expect(storedKeys()).toEqual([]);
    const after = (await (
      await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}`)
    ).json()) as {
      document?: unknown;
      version: number;
    };
    expect(after.document).toBeUndefined();
    expect(after.version).toBe(2);

    // The control: a PDF is kept, and the page now carries the form.
    const kept = await upload(report.reportId, pdfBytes);
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({
      document: { filename: 'Verslag Bergen op Zoom.pdf', bytes: pdfBytes.length },
    });
    // The listing sees what is in place: the one document, under its report.
    expect(storedKeys()).toEqual([expect.stringContaining(report.reportId)]);
    expect(await (await system.fetch(`/publicaties/${report.slug}`)).text()).toContain(
      'Publicatie aanvragen',
    );
  });

  it('is asked for, confirmed by mail, and downloaded by the mailed link, a fresh URL per click; tampered and expired links are refused', async () => {
    const report = await createReport(`Verslag ${run} aanvragen`);
    expect((await upload(report.reportId, pdfBytes)).status).toBe(200);
    const email = `lezer-${run}@example.org`;
    const since = new Date();

    const asked = await ask(report.slug, email);
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Kijk in je mail');
    const confirmMail = await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(email) && mail.subject.startsWith('Bevestig je aanvraag'),
      { since },
    );
    const confirmLink = linkIn(confirmMail, '/publicaties/aanvraag/bevestigen');
    // Not confirmed yet: the organiser sees a count, not the person (anyone may type an address).
    expect(
      await (await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}/requests`)).json(),
    ).toMatchObject({ unconfirmed: 1, items: [] });
    // Opening the link confirms nothing; the button does.
    const confirmPage = await system.fetch(confirmLink);
    expect(confirmPage.status).toBe(200);
    expect(await confirmPage.text()).toContain('<form method="post">');
    const confirmed = await system.fetch(confirmLink, requestForm({}));
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('downloadlink');

    const grantedMail = await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(email) && mail.subject.startsWith('Je downloadlink'),
      { since },
    );
    const downloadLink = linkIn(grantedMail, '/publicaties/aanvraag/download');
    const downloadPage = await system.fetch(downloadLink);
    expect(downloadPage.status).toBe(200);
    const button = /href="(\/publicaties\/aanvraag\/download\/pdf\?token=[^"]+)"/.exec(
      await downloadPage.text(),
    )?.[1];
    expect(button).toBeDefined();
    for (let click = 0; click < 2; click++) {
      const redirect = await system.fetch((button ?? '').replaceAll('&amp;', '&'));
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get('location') ?? '';
      expect(location).toContain('X-Amz-Signature=');
      const file = await fetch(location);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toContain('attachment');
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(pdfBytes);
    }

    // A tampered link, on the page and on the button, is refused and counts nothing.
    const tamper = (link: string) =>
      `${link.slice(0, -3)}${link.slice(-3, -2) === 'A' ? 'B' : 'A'}${link.slice(-2)}`;
    expect((await system.fetch(tamper(downloadLink))).status).toBe(400);
    expect((await system.fetch(tamper((button ?? '').replaceAll('&amp;', '&')))).status).toBe(400);

    // The organiser sees the request, confirmed, granted, downloaded twice; the CSV says the same.
    const list = (await (
      await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}/requests`)
    ).json()) as {
      items: { email: string; status: string; downloads: number; organisation: string }[];
    };
    expect(list.items).toEqual([
      expect.objectContaining({
        email,
        status: 'granted',
        downloads: 2,
        organisation: 'Jongerenwerk Bergen op Zoom',
      }),
    ]);
    const csv = await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}/requests.csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // Read as bytes: a Response's text() drops the byte order mark that Excel needs.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith('\uFEFFNaam;E-mailadres;Organisatie;Doel;Status')).toBe(true);
    expect(text).toContain(
      `Sam de Vries;${email};Jongerenwerk Bergen op Zoom;Voor ons teamoverleg;toegekend`,
    );

    // The same request's link with a lifetime of seconds: it works, then page and button refuse it.
    const { tokens } = await import('../../functions/composition/keys');
    const signer = await tokens();
    const mailed = new URL(downloadLink, system.baseUrl).searchParams.get('token') ?? '';
    const { id } = await signer.verify(mailed, 'download-report');
    // Five seconds leave the two requests below time on a busy machine; then wait past the expiry.
    const expiresAt = Math.floor(Date.now() / 1000) + 5;
    const shortLived = encodeURIComponent(signer.sign('download-report', id, { expiresAt }));
    const expiring = [
      `/publicaties/aanvraag/download?token=${shortLived}`,
      `/publicaties/aanvraag/download/pdf?token=${shortLived}`,
    ];
    expect((await system.fetch(expiring[0] as string)).status).toBe(200);
    expect((await system.fetch(expiring[1] as string)).status).toBe(302);
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 100));
    for (const link of expiring) {
      const refused = await system.fetch(link);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain('verlopen');
    }
  });

  it('waits for an organiser’s approval when the report asks for it, then mails the link', async () => {
    const report = await createReport(`Verslag ${run} goedkeuring`, { approveRequests: true });
    expect((await upload(report.reportId, pdfBytes)).status).toBe(200);
    const email = `onderzoeker-${run}@example.org`;
    const since = new Date();
    await ask(report.slug, email);
    const confirmMail = await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(email) && mail.subject.startsWith('Bevestig je aanvraag'),
      { since },
    );
    const confirmed = await system.fetch(
      linkIn(confirmMail, '/publicaties/aanvraag/bevestigen'),
      requestForm({}),
    );
    expect(await confirmed.text()).toContain('Een organisator van Drop In bekijkt je aanvraag');

    const { items } = (await (
      await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}/requests`)
    ).json()) as {
      items: { personId: string; status: string }[];
    };
    expect(items).toEqual([expect.objectContaining({ status: 'awaiting-approval' })]);
    expect(
      (await system.mailbox.to(email, since)).filter((mail) => mail.subject.startsWith('Je downloadlink')),
    ).toEqual([]);

    const approve = `/api/organiser/reports/${report.reportId}/requests/${items[0]?.personId}/approve`;
    expect((await system.fetchAsOrganiser(approve, { method: 'POST' })).status).toBe(200);
    expect((await system.fetchAsOrganiser(approve, { method: 'POST' })).status).toBe(409);
    await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(email) && mail.subject.startsWith('Je downloadlink'),
      { since },
    );
  });

  it('refuses a form without consent and stores nothing; a public report takes no requests', async () => {
    const report = await createReport(`Verslag ${run} fout`);
    expect((await upload(report.reportId, pdfBytes)).status).toBe(200);
    const email = `zonder-toestemming-${run}@example.org`;

    const refused = await ask(report.slug, email, { consent: '' });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('Controleer het formulier');
    expect(page).toContain(`value="${email}"`);
    const bot = await ask(report.slug, `bot-${run}@example.org`, { website: 'https://spam.example' });
    expect(bot.status).toBe(200);
    const { items } = (await (
      await system.fetchAsOrganiser(`/api/organiser/reports/${report.reportId}/requests`)
    ).json()) as {
      items: unknown[];
    };
    expect(items).toEqual([]);

    const open = await createReport(`Openbaar ${run}`, { visibility: 'public' });
    expect((await ask(open.slug, email)).status).toBe(404);
  });
});
