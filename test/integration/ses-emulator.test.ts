import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, describe, expect, it } from 'vitest';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { type MailJournalRecord, readMailJournal } from '../../local/engines/mail-journal';
import { mailboxPageSize } from '../../local/engines/mailbox-page';
import { isPortFree } from '../../local/engines/ports';
import { mailHeader, startSesEmulator } from '../../local/engines/ses-emulator';
import { startSesEmulatorProcess } from '../../local/engines/ses-emulator-process';
import { startSesProxy } from '../../local/engines/ses-proxy';

/**
 * The SES emulator's mailbox: journalled before SendEmail is answered, so it survives a restart of the
 * emulator's process; a page that stays quick with thousands of mails.
 */
const folder = mkdtempSync(join(tmpdir(), 'dropin-mail-journal-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const run = randomUUID().slice(0, 8);

const simpleMail = (to: string, subject: string, tags: Record<string, string> = {}) =>
  new SendEmailCommand({
    FromEmailAddress: 'Drop In <nieuws@dropin.example.org>',
    Destination: { ToAddresses: [to] },
    Content: {
      Simple: {
        Subject: { Data: subject },
        Body: { Html: { Data: `<p>${subject}</p>` }, Text: { Data: subject } },
        Headers: [{ Name: 'List-Unsubscribe', Value: '<https://dropin.example.org/afmelden?t=x>' }],
      },
    },
    EmailTags: Object.entries(tags).map(([Name, Value]) => ({ Name, Value })),
  });

describe('the SES emulator in its own process, with a journal', () => {
  it('keeps every mail it accepted, with its tags, across a restart; clearing empties the journal', async () => {
    const journal = join(folder, 'restart.jsonl');
    const address = `lezer+${run}@example.org`;
    const first = await startSesEmulatorProcess({ port: 0, journalFile: journal });
    const proxy = await startSesProxy({
      upstream: first.endpoint,
      port: 0,
      publish: async () => undefined,
      log: () => undefined,
      allowance: { maxSendRate: 200 },
    });
    proxy.faults.add({ kind: 'error', error: 'ServiceUnavailable', share: 0.05, recipients: 'nobody' });
    const client = new SESv2Client({ ...localAwsSettings, endpoint: proxy.endpoint, maxAttempts: 1 });
    let sent: string[];
    try {
      sent = await Promise.all(
        ['a', 'b', 'a'].map(async (mailing, index) => {
          const answer = await client.send(simpleMail(address, `Nieuws ${index}`, { mailing }));
          return answer.MessageId ?? '';
        }),
      );
    } finally {
      client.destroy();
      await proxy.stop();
      await first.stop();
    }

    // The journal, as a benchmark counts it: mails per tag.
    const records = readMailJournal(journal);
    const perMailing: Record<string, number> = {};
    for (const record of records) {
      const mailing = record.tags.mailing ?? '';
      perMailing[mailing] = (perMailing[mailing] ?? 0) + 1;
    }
    expect(perMailing).toEqual({ a: 2, b: 1 });
    expect(records.map((record) => record.messageId).sort()).toEqual([...sent].sort());
    expect(records[0]).toMatchObject({
      from: 'Drop In <nieuws@dropin.example.org>',
      destination: { to: [address], cc: [], bcc: [] },
      headers: [{ name: 'List-Unsubscribe', value: '<https://dropin.example.org/afmelden?t=x>' }],
      attachments: [],
      at: expect.any(Number),
    });
    expect(new Set(sent).size).toBe(3);

    const second = await startSesEmulatorProcess({ port: 0, journalFile: journal });
    try {
      const mails = await second.mailbox.to(address);
      expect(mails.map((mail) => mail.messageId).sort()).toEqual([...sent].sort());
      expect(mails[0]?.tags?.mailing).toMatch(/^[ab]$/);
      expect(mails[0] && mailHeader(mails[0], 'list-unsubscribe')).toBe(
        '<https://dropin.example.org/afmelden?t=x>',
      );
      expect(await (await fetch(`${second.endpoint}/`)).text()).toContain('Nieuws 2');

      await second.mailbox.clear();
      expect(await second.mailbox.list()).toEqual([]);
      expect(readFileSync(journal, 'utf8')).toBe('');
    } finally {
      await second.stop();
    }
  });

  it('dies with its parent, even one killed outright', async () => {
    const parentFile = fileURLToPath(new URL('../support/ses-emulator-parent.ts', import.meta.url));
    const parent: ChildProcess = spawn(process.execPath, ['--import', 'tsx', parentFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      parent.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = /^(\{.*\})$/m.exec(output)?.[1];
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
      parent.once('exit', () => reject(new Error(`The parent ended: ${output}`)));
    });
    expect(await isPortFree(port, '127.0.0.1')).toBe(false);

    const exited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL');
    await exited;

    const deadline = Date.now() + 5_000;
    while (!(await isPortFree(port, '127.0.0.1')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await isPortFree(port, '127.0.0.1')).toBe(true);
  });
});

describe('the journal, in process', () => {
  it('cuts off a torn last line of a killed emulator and appends after it', async () => {
    const journal = join(folder, 'torn.jsonl');
    const whole: MailJournalRecord = {
      messageId: 'kept',
      at: Date.now(),
      from: 'nieuws@dropin.example.org',
      replyTo: [],
      destination: { to: ['oud@example.org'], cc: [], bcc: [] },
      subject: 'Van voor de crash',
      text: 'Hallo',
      headers: [],
      attachments: [],
      tags: {},
    };
    writeFileSync(journal, `${JSON.stringify(whole)}\n{"messageId":"torn","at":`);
    const emulator = await startSesEmulator({ port: 0, journalFile: journal });
    const client = new SESv2Client({ ...localAwsSettings, endpoint: emulator.endpoint, maxAttempts: 1 });
    try {
      expect((await emulator.mailbox.list()).map((mail) => mail.messageId)).toEqual(['kept']);
      await client.send(simpleMail('nieuw@example.org', 'Na de crash'));
      // A raw mail goes through aws-ses-v2-local, and is journalled all the same.
      await client.send(
        new SendEmailCommand({
          Content: {
            Raw: {
              Data: Buffer.from(
                'From: nieuws@dropin.example.org\r\nTo: ruw@example.org\r\nSubject: Ruw\r\n\r\nHallo\r\n',
              ),
            },
          },
          EmailTags: [{ Name: 'soort', Value: 'ruw' }],
        }),
      );
    } finally {
      client.destroy();
      await emulator.stop();
    }
    const records = readMailJournal(journal);
    expect(records.map((record) => record.subject)).toEqual(['Van voor de crash', 'Na de crash', 'Ruw']);
    expect(records[2]?.tags).toEqual({ soort: 'ruw' });
    expect(readFileSync(journal, 'utf8').split('\n')).toHaveLength(4);
  });
});

describe('the mailbox page with thousands of mails', () => {
  const mails = 5_000;
  const journal = join(folder, 'many.jsonl');
  const lines: string[] = [];
  for (let index = 1; index <= mails; index += 1) {
    const record: MailJournalRecord = {
      messageId: `mail-${index}`,
      at: Date.UTC(2026, 0, 1) + index * 1000,
      from: 'Drop In <nieuws@dropin.example.org>',
      replyTo: [],
      destination: { to: [`lezer-${index % 100}@example.org`], cc: [], bcc: [] },
      subject: `Mail ${index}`,
      html: `<p>Mail ${index}</p><script>parent.document.title = 'hacked'</script>`,
      text: `Mail ${index}`,
      headers: [
        { name: 'List-Unsubscribe', value: `<https://dropin.example.org/afmelden?t=${index}>` },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ],
      attachments: [],
      tags: { mailing: 'groot' },
    };
    lines.push(JSON.stringify(record));
  }

  it('shows 50 at a time, newest first, with a link to the next page, filtered by recipient, quickly', async () => {
    writeFileSync(journal, `${lines.join('\n')}\n`);
    const emulator = await startSesEmulator({ port: 0, journalFile: journal });
    try {
      const timed = async (path: string) => {
        const started = performance.now();
        const response = await fetch(`${emulator.endpoint}${path}`);
        const text = await response.text();
        return { response, text, ms: performance.now() - started };
      };
      const rowsOf = (text: string) =>
        [...text.matchAll(/<a href="\/mail\/([^"]+)">/g)].map((match) => match[1]);

      await timed('/'); // warm
      const first = await timed('/');
      expect(first.response.status).toBe(200);
      expect(first.response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(rowsOf(first.text)).toHaveLength(mailboxPageSize);
      expect(rowsOf(first.text)[0]).toBe('mail-5000');
      expect(first.text).toContain('href="/?page=2" rel="next"');
      expect(first.text).toContain('Pagina 1 van 100');
      expect(first.text).toContain('5.000 mails');
      expect(first.ms).toBeLessThan(250);

      const last = await timed('/?page=100');
      expect(rowsOf(last.text).at(-1)).toBe('mail-1');
      expect(last.text).not.toContain('rel="next"');
      expect(last.ms).toBeLessThan(250);

      const filtered = await timed('/?to=LEZER-42@');
      expect(rowsOf(filtered.text)).toEqual(
        Array.from({ length: mails / 100 }, (_, index) => `mail-${mails - 58 - index * 100}`),
      );
      expect(filtered.text).toContain('50 van 5.000 mails');

      const one = await timed('/mail/mail-4242');
      expect(one.response.status).toBe(200);
      expect(one.text).toContain('List-Unsubscribe');
      expect(one.text).toContain('https://dropin.example.org/afmelden?t=4242');
      expect(one.text).toContain('<iframe sandbox="allow-popups allow-popups-to-escape-sandbox"');
      expect(one.text).toContain('srcdoc="&lt;base target=&quot;_blank&quot;&gt;&lt;p&gt;Mail 4242');
      expect(one.text).not.toContain('<script>');
      expect(one.text).toContain('mailing=groot');
      expect((await timed('/mail/onbekend')).response.status).toBe(404);

      // The JSON inbox reads the journal too: filtered, or the newest few (`npm run local -- mailbox`).
      expect(await emulator.mailbox.to('lezer-7@example.org')).toHaveLength(50);
      const latest = await emulator.mailbox.latest(3);
      expect(latest.total).toBe(mails);
      expect(latest.mails.map((mail) => mail.messageId)).toEqual(['mail-4998', 'mail-4999', 'mail-5000']);
      expect(latest.mails[2]?.tags).toEqual({ mailing: 'groot' });
    } finally {
      await emulator.stop();
    }
  });
});
