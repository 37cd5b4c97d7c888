import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ApiClient, type CallOptions } from '../../bin/drop-in/api';
import { exitCodeForStatus, exitCodes, UsageError } from '../../bin/drop-in/exit-codes';
import { fieldValue } from '../../bin/drop-in/fields';
import { program, run } from '../../bin/drop-in/main';
import { frontMatterFields, readMarkdownRequest } from '../../bin/drop-in/markdown-file';
import { allOperations, type FieldSchema, operation } from '../../bin/drop-in/operations';

/**
 * The command line is built on the API document (bin/drop-in/operations.ts): every route a command calls is
 * an operation of functions/contract/openapi.json, and every organiser operation has a command, so a route
 * that changes, disappears or appears without a command fails here.
 */
const root = path.resolve(import.meta.dirname, '../..');
const cliSources = readdirSync(path.join(root, 'bin/drop-in'), { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));

/** The route keys written in the sources, as the commands name their operations. */
const routeKeysIn = (sources: readonly string[]): Set<string> =>
  new Set(
    sources.flatMap((source) =>
      [...source.matchAll(/'((?:GET|POST|PUT|PATCH|DELETE) \/api\/[^'\s]+)'/g)].map(
        (match) => match[1] ?? '',
      ),
    ),
  );

const missingFromDocument = (keys: Iterable<string>): string[] =>
  [...keys].filter((key) => {
    try {
      operation(key);
      return false;
    } catch {
      return true;
    }
  });

const organiserOperations = allOperations().filter((op) => op.path.startsWith('/api/organiser/'));

describe('the command line and the API document', () => {
  const used = routeKeysIn(cliSources);

  it('calls only operations the document has (the check can fail)', () => {
    expect(used.size).toBeGreaterThan(30);
    expect(missingFromDocument(used)).toEqual([]);
    expect(
      missingFromDocument(routeKeysIn(["api.call('POST /api/organiser/meetings/{id}/archive')"])),
    ).toEqual(['POST /api/organiser/meetings/{id}/archive']);
  });

  it('has a command for every organiser operation (the check can fail)', () => {
    const uncovered = (keys: Set<string>) =>
      organiserOperations.map((op) => op.routeKey).filter((key) => !keys.has(key));
    expect(uncovered(used)).toEqual([]);
    const withoutOne = new Set(used);
    withoutOne.delete('POST /api/organiser/mailings/{id}/pause');
    expect(uncovered(withoutOne)).toEqual(['POST /api/organiser/mailings/{id}/pause']);
  });

  it('offers an option per body field, with the field’s Dutch description', () => {
    const create = program()
      .commands.find((command) => command.name() === 'meetings')
      ?.commands.find((command) => command.name() === 'create');
    const fields = Object.keys(operation('POST /api/organiser/meetings').body?.properties ?? {});
    const flags = create?.options.map((option) => option.long) ?? [];
    expect(fields.length).toBeGreaterThan(8);
    for (const field of fields) {
      expect(flags).toContain(`--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`);
    }
    expect(create?.options.find((option) => option.long === '--capacity')?.description).toBe(
      'Hoeveel mensen een plaats krijgen. (verplicht)',
    );
  });

  it('lists the exit codes in --help, in Dutch', () => {
    const root = program();
    let printed = '';
    root.configureOutput({
      writeOut: (text) => {
        printed += text;
      },
    });
    expect(() => root.parse(['--help'], { from: 'user' })).toThrow();
    expect(printed).toContain('Gebruik: drop-in [opties] [commando]');
    for (const line of [
      '0  gelukt',
      '1  mislukt',
      '2  verkeerd gebruik',
      '3  niet ingelogd of geen toestemming',
      '4  niet gevonden',
      '5  conflict',
    ]) {
      expect(printed).toContain(line);
    }
  });
});

describe('a paged list', () => {
  /** An API whose list has five items, two a page, and which records the cursors it was asked for. */
  class PagedApi extends ApiClient {
    readonly asked: (string | number | undefined)[] = [];
    override async call(_routeKey: string, options: CallOptions = {}) {
      const cursor = Number(options.query?.cursor ?? 0);
      this.asked.push(options.query?.cursor);
      const items = [1, 2, 3, 4, 5].slice(cursor, cursor + 2);
      const next = cursor + 2 < 5 ? String(cursor + 2) : null;
      return { status: 200, headers: new Headers(), body: { items, nextCursor: next } };
    }
  }
  const paged = () => new PagedApi(new URL('http://localhost:3000'), { token: async () => 't' });

  it('is read page after page to the end, or up to `max`', async () => {
    const api = paged();
    const counts: number[] = [];
    expect(await api.all('GET /api/organiser/audit', {}, { onPage: (count) => counts.push(count) })).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(api.asked).toEqual([undefined, '2', '4']);
    expect(counts).toEqual([2, 4, 5]);
    const limited = paged();
    expect(await limited.all('GET /api/organiser/audit', {}, { max: 3 })).toEqual([1, 2, 3]);
    expect(limited.asked).toEqual([undefined, '2']);
  });
});

describe('exit codes', () => {
  it('are 2 for wrong usage, a command left out included, and 0 for --help', async () => {
    const quiet = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const stdout = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    try {
      expect(await run(['mailings'])).toBe(exitCodes.usage);
      expect(await run(['mailings', 'lijst'])).toBe(exitCodes.usage);
      expect(await run(['mailings', 'watch', 'x', '--interval', 'vaak'])).toBe(exitCodes.usage);
      // An approval names the version the approver read: refused before any request without it.
      expect(await run(['mailings', 'approve', 'x'])).toBe(exitCodes.usage);
      expect(await run(['mailings', '--help'])).toBe(exitCodes.ok);
      const said = String(quiet.mock.calls.flat().join(''));
      expect(said).toContain('onbekend commando ‘lijst’');
      expect(said).toContain('de optie ‘--version <n>’ is verplicht');
      expect(said).toContain('--interval: geef een getal van minstens 0.2, niet “vaak”');
    } finally {
      quiet.mockRestore();
      stdout.mockRestore();
    }
  });

  it('tell a refusal, a missing thing and a conflict apart', () => {
    expect([401, 403, 404, 410, 409, 412, 400, 429, 500].map(exitCodeForStatus)).toEqual([
      exitCodes.notPermitted,
      exitCodes.notPermitted,
      exitCodes.notFound,
      exitCodes.notFound,
      exitCodes.conflict,
      exitCodes.conflict,
      exitCodes.failed,
      exitCodes.failed,
      exitCodes.failed,
    ]);
  });
});

describe('fields from text', () => {
  const integer: FieldSchema = { type: 'integer' };
  it('reads numbers, booleans, lists, objects and null by the field’s type', () => {
    expect(fieldValue('--capacity', '80', integer)).toBe(80);
    // Not a number: passed on, so the API says in Dutch what is wrong with it.
    expect(fieldValue('--capacity', 'veel', integer)).toBe('veel');
    expect(fieldValue('--x', 'nee', { type: 'boolean' })).toBe(false);
    expect(fieldValue('--x', 'true', { type: 'boolean' })).toBe(true);
    expect(() => fieldValue('--x', 'misschien', { type: 'boolean' })).toThrow(UsageError);
    expect(
      fieldValue('--topics', 'nieuwsbrief, publicaties', { type: 'array', items: { type: 'string' } }),
    ).toEqual(['nieuwsbrief', 'publicaties']);
    expect(fieldValue('--topics', '[nieuwsbrief]', { type: 'array', items: { type: 'string' } })).toEqual([
      'nieuwsbrief',
    ]);
    expect(fieldValue('--questions', '{"role": true}', { type: 'object' })).toEqual({ role: true });
    expect(() => fieldValue('--questions', 'role', { type: 'object' })).toThrow(UsageError);
    expect(fieldValue('--slug', 'null', { anyOf: [{ type: 'string' }, { type: 'null' }] })).toBeNull();
    expect(fieldValue('--slug', 'null', { type: 'string' })).toBe('null');
  });
});

describe('a Markdown file with front matter', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dropin-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, text);
    return at;
  };
  const mailingBody = operation('POST /api/organiser/mailings').body ?? {};

  it('gives the request fields, the nested ones by their own name, and the Markdown as body', () => {
    const request = readMarkdownRequest(
      file(
        'vooruitblik.md',
        '\uFEFF---\r\nsubject: "Vooruitblik: december"\r\npreheader: Wat er komt\r\n# een opmerking\r\ntopics: nieuwsbrief, publicaties\r\n---\r\n\r\n# Wat er komt\r\n\r\nHet netwerk komt samen in Breda.\r\n',
      ),
      mailingBody,
    );
    expect(request).toEqual({
      subject: 'Vooruitblik: december',
      preheader: 'Wat er komt',
      audience: { topics: ['nieuwsbrief', 'publicaties'] },
      body: '# Wat er komt\n\nHet netwerk komt samen in Breda.\n',
    });
    expect([...frontMatterFields(mailingBody).keys()]).toEqual(
      expect.arrayContaining(['subject', 'audience.topics', 'topics', 'meeting']),
    );
  });

  it('names the line of a field that does not exist, and a front matter that does not end', () => {
    expect(() =>
      readMarkdownRequest(file('a.md', '---\nsubject: x\nonderwerp: y\n---\ntekst'), mailingBody),
    ).toThrow(/a\.md, regel 3: “onderwerp” is geen veld; wel: subject, preheader/);
    expect(() => readMarkdownRequest(file('b.md', '---\nsubject: x\n'), mailingBody)).toThrow(
      /sluit niet af/,
    );
    expect(() => readMarkdownRequest(path.join(dir, 'nergens.md'), mailingBody)).toThrow(/bestaat niet/);
  });
});
