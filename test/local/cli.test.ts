import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailingTag } from '../../functions/core/mailings/recipients';
import { PersonIds } from '../../functions/core/people/person-id';
import { dataPaths } from '../../local/data-dir';
import { localAwsSettings } from '../../local/engines/dynamodb-local';
import { readMailJournal } from '../../local/engines/mail-journal';
import { localTableName } from '../../local/runtime';
import {
  cleanUpStarts,
  freshSettings,
  npmStart,
  type StartSettings,
  siteAnswers,
} from '../support/npm-start';
import { putItems, subscriberItems } from '../support/subscriber-items';

/**
 * `drop-in` as an organiser uses it against `npm start` (issue 15): the offline twin's token found by
 * itself, a mailing from a Markdown file through test-send, a second organiser's approval and the send, and
 * `mailings watch` under a pseudo-terminal (`script`) drawing its bar to the end. One `npm start` for the file.
 */
const repoRoot = resolve(import.meta.dirname, '../..');
const bin = join(repoRoot, 'bin/drop-in.mjs');

let settings: StartSettings;
beforeAll(async () => {
  settings = { ...(await freshSettings()), env: { DROPIN_SENDER_POLL_MS: '250' } };
  await siteAnswers(npmStart(settings), settings.sitePort, 90_000);
}, 120_000);
afterAll(cleanUpStarts);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One `drop-in` command, as a user types it; DROPIN_API names the running twin, nothing else is given. */
const dropIn = (args: readonly string[], env: Record<string, string> = {}): Promise<Run> =>
  new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          DROPIN_API: `http://localhost:${settings.sitePort}`,
          DROPIN_TOKEN: '',
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

/** The same under a pseudo-terminal, as in a terminal window: `script -qfc`, its output with the escapes. */
const dropInOnTerminal = (args: readonly string[]): Promise<Run> =>
  new Promise((done) => {
    const command = [process.execPath, bin, ...args]
      .map((word) => `'${word.replaceAll("'", "'\\''")}'`)
      .join(' ');
    execFile(
      'script',
      ['-qfec', command, '/dev/null'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          DROPIN_API: `http://localhost:${settings.sitePort}`,
          DROPIN_TOKEN: '',
          TERM: 'xterm',
        },
        timeout: 90_000,
      },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

const seedSubscribers = async (emails: readonly string[]): Promise<void> => {
  const ids = new PersonIds(readFileSync(dataPaths(settings.dataDir).tokenSecret, 'utf8').trim());
  const client = new DynamoDBClient({
    ...localAwsSettings,
    endpoint: `http://127.0.0.1:${settings.dynamoDbPort}`,
  });
  const now = new Date();
  try {
    await putItems(
      DynamoDBDocumentClient.from(client),
      localTableName,
      emails.flatMap((email, i) =>
        subscriberItems(
          { email, personId: ids.of(email), name: `Lid ${i + 1}`, topics: ['nieuwsbrief'] },
          now,
        ),
      ),
    );
  } finally {
    client.destroy();
  }
};

describe('drop-in against npm start', () => {
  it('lists the seeded meetings as JSON with the twin’s own token, and exits 3 with a bad one', async () => {
    const listed = await dropIn(['meetings', 'list', '--json']);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const { items } = JSON.parse(listed.stdout) as { items: { id: string; status: string }[] };
    expect(items.map((meeting) => meeting.id)).toEqual(
      expect.arrayContaining(['kennisnetwerk-2024-utrecht', 'kennisnetwerk-groningen-halt']),
    );

    const refused = await dropIn(['meetings', 'list', '--json'], { DROPIN_TOKEN: 'niet.een.token' });
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('De API kent dit token niet');

    // Not found is 4 (the other codes: test/unit/cli.test.ts).
    const missing = await dropIn(['meetings', 'show', 'bestaat-niet']);
    expect(missing.code).toBe(4);
  }, 60_000);

  it('creates a mailing from Markdown, test-sends it, has a second organiser approve it, sends it and watches it to the end', async () => {
    const emails = Array.from({ length: 40 }, (_, i) => `cli-lid-${i + 1}-${Date.now()}@example.org`);
    await seedSubscribers(emails);
    const file = join(settings.dataDir, 'vooruitblik.md');
    writeFileSync(
      file,
      '---\nsubject: Vooruitblik januari\npreheader: Twee bijeenkomsten\ntopics: nieuwsbrief\n---\n# Wat er komt\n\nHet kennisnetwerk komt samen in **Groningen**.\n',
    );
    const created = await dropIn(['mailings', 'create', file, '--json']);
    expect(created.code).toBe(0);
    const { mailingId } = JSON.parse(created.stdout) as { mailingId: string };

    const tested = await dropIn(['mailings', 'test', mailingId]);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain('Testmail:        verstuurd (deze versie)');
    // The author may not approve their own mailing: the API's Dutch reason, exit 3.
    // The approver reads the mail, and approves the version it names (without one: exit 2, test/unit/cli.test.ts).
    const preview = await dropIn(['mailings', 'preview', mailingId]);
    expect(preview.stdout).toMatch(/^Versie: 1\nOnderwerp: Vooruitblik januari\n/);
    expect(preview.stdout).toContain('Het kennisnetwerk komt samen in');
    const own = await dropIn(['mailings', 'approve', mailingId, '--version', '1']);
    expect(own.code).toBe(3);
    expect(own.stderr).toContain('eigen mailing niet goedkeuren');
    const approved = await dropIn([
      '--user',
      'Anouk de Vries',
      'mailings',
      'approve',
      mailingId,
      '--version',
      '1',
    ]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('goedgekeurd door Anouk de Vries');

    const sent = await dropIn(['mailings', 'send', mailingId]);
    expect(sent.code).toBe(0);
    const watched = await dropInOnTerminal(['mailings', 'watch', mailingId, '--interval', '0.3']);
    expect(watched.code).toBe(0);
    // Redrawn in place (cursor to the first column, then the bar), to 100 % of the 40.
    const frames = watched.stdout.split('\u001b[1G').filter((frame) => frame.includes('|'));
    expect(frames.length).toBeGreaterThan(2);
    expect(watched.stdout).toMatch(/█+ 100% \| 40\/40 \| [\d.]+\/s \| nog 0:00 \| verzonden/);
    expect(watched.stdout).toContain('Voortgang:       40 verstuurd van 40, 0 overgeslagen, 0 mislukt');

    // Without a terminal (a pipe, a log) the same command writes plain lines: no cursor moves to match above.
    const piped = await dropIn(['mailings', 'watch', mailingId]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain('\u001b[');
    expect(piped.stderr).toMatch(/100% \| 40\/40/);

    const journal = readMailJournal(join(settings.dataDir, 'mail-journal.jsonl'));
    const mails = journal.filter((mail) => mail.tags[mailingTag] === mailingId);
    expect(mails.map((mail) => mail.destination.to[0]).sort()).toEqual([...emails].sort());
    expect(new Set(mails.map((mail) => mail.subject))).toEqual(new Set(['Vooruitblik januari']));
    // The test mail went to the author's own address.
    expect(
      journal.some(
        (mail) =>
          mail.destination.to.includes('dilly.timmer@example.org') &&
          /Vooruitblik januari/.test(mail.subject),
      ),
    ).toBe(true);
  }, 120_000);

  it('imports a Windows-1252 CSV as an admin: the dry run and the report name the rows not imported, with their address, and the confirmation mails go out', async () => {
    const stamp = Date.now();
    const address = (n: number) => `cli-import-${n}-${stamp}@example.org`;
    // Dutch Excel's plain CSV: `;`, CRLF, Windows-1252 (é is 0xE9); a repeat, a broken address.
    const lines = [
      'E-mailadres;Naam',
      `${address(1)};René Jansen`,
      `${address(2)};Fatma Yildiz`,
      `${address(1).toUpperCase()};René nog eens`,
      'geen-adres;Iemand',
      `${address(3)};`,
    ];
    const file = join(settings.dataDir, 'leden.csv');
    writeFileSync(file, Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'));
    const source = ['--source', 'intekenlijst kennisnetwerk Utrecht'];

    const organiser = await dropIn(['subscribers', 'import', file, ...source, '--dry-run']);
    expect(organiser.code).toBe(3);
    const dryRun = await dropIn(['--admin', 'subscribers', 'import', file, ...source, '--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stderr).toContain('5 regels gelezen (Windows-1252)');
    expect(dryRun.stdout).toContain('Zou importeren:');
    expect(dryRun.stdout).toMatch(/4 +CLI-IMPORT-1-\d+@EXAMPLE\.ORG +dubbel \(staat al op regel 2\)/);
    expect(dryRun.stdout).toMatch(/5 +geen-adres +ongeldig: /);

    const imported = await dropIn(['--admin', 'subscribers', 'import', file, ...source, '--json']);
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout) as { imported: number; mailingId: string };
    expect(report.imported).toBe(3);
    const watched = await dropIn(['--admin', 'mailings', 'watch', report.mailingId, '--interval', '0.3']);
    expect(watched.code).toBe(0);
    expect(watched.stderr).toMatch(/100% \| 3\/3/);

    const journal = readMailJournal(join(settings.dataDir, 'mail-journal.jsonl'));
    const mails = journal.filter((mail) => mail.tags[mailingTag] === report.mailingId);
    expect(mails.map((mail) => mail.destination.to[0]).sort()).toEqual(
      [address(1), address(2), address(3)].sort(),
    );
    const rene = mails.find((mail) => mail.destination.to[0] === address(1));
    expect(rene?.text).toContain('Beste René Jansen,');
    expect(rene?.text).toContain('intekenlijst kennisnetwerk Utrecht');
  }, 90_000);
});
