import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaEntries } from '../../functions/entries';
import { isAuditedRoute, routes } from '../../functions/routes';

/**
 * The house rules a reader relies on (docs/architecture.md, "Layers"): the core imports no SDK, no Lambda
 * type, nothing of web/ or adapters/; a handler stays thin; every file or section the code cites exists.
 */
const root = path.resolve(import.meta.dirname, '../..');

const filesUnder = (folder: string, extension = '.ts'): string[] =>
  readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));

/** The module specifiers a source imports or re-exports, statically or dynamically, types included. */
const importsOf = (source: string): string[] =>
  [...source.matchAll(/(?:\bfrom\s*|\b(?:import|require)\s*\(\s*|^\s*import\s+)['"`]([^'"`]+)['"`]/gm)].map(
    (match) => match[1] ?? '',
  );

const forbiddenInCore = (file: string, specifier: string): string | undefined => {
  if (
    /^(@aws-sdk\/|@smithy\/|@middy\/|@aws-lambda-powertools\/|aws-lambda$|aws-cdk-lib|constructs$)/.test(
      specifier,
    )
  )
    return `${file} imports ${specifier}`;
  if (specifier.startsWith('.')) {
    const target = path.relative(root, path.resolve(root, path.dirname(file), specifier));
    if (!target.startsWith(`functions${path.sep}core${path.sep}`))
      return `${file} imports ${target} (outside the core)`;
  }
  return undefined;
};

const coreViolations = (files: readonly { file: string; source: string }[]) =>
  files.flatMap(({ file, source }) =>
    importsOf(source).flatMap((specifier) => forbiddenInCore(file, specifier) ?? []),
  );

describe('the core', () => {
  it('imports no SDK, no Lambda type, nothing of web/ or adapters/ (the check can fail)', () => {
    const control = [
      {
        file: ['functions', 'core', 'example.ts'].join('/'),
        source: [
          "import type { Context } from 'aws-lambda';",
          "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
          "import { page } from '../web/page';",
          "export { outboxPut } from '../adapters/dynamo/outbox';",
          "export * from '../web/html';",
          'import {\n  a,\n  b,\n} from "@middy/core";',
          "const late = await import('../adapters/logger');",
          "const old = require('../adapters/ids');",
          "import '../core-extra/side-effect';",
          "import { model } from './meetings/model';",
        ].join('\n'),
      },
    ];
    expect(coreViolations(control)).toHaveLength(9);

    const core = filesUnder('functions/core').map((file) => ({
      file,
      source: readFileSync(path.join(root, file), 'utf8'),
    }));
    expect(core.length).toBeGreaterThan(10);
    expect(coreViolations(core)).toEqual([]);
  });
});

describe('key prefixes', () => {
  /** A string literal that starts with a key prefix such as `MEETING#` or `'OUTBOX#pending'`. */
  const prefixLiterals = (source: string) => source.match(/['"`][A-Z][A-Z_]{2,}#/g) ?? [];

  it('are spelled in the table definition only (the check can fail)', () => {
    expect(prefixLiterals("const pk = `MEETING#` + id; const gsi = 'OUTBOX#pending';")).toHaveLength(2);
    const spelled = ['functions', 'local']
      .flatMap((folder) => filesUnder(folder))
      .filter((file) => file !== path.join('functions', 'adapters', 'dynamo', 'table-design.ts'))
      .map((file) => ({ file, literals: prefixLiterals(readFileSync(path.join(root, file), 'utf8')) }))
      .filter(({ literals }) => literals.length > 0);
    expect(spelled).toEqual([]);
  });
});

describe('a handler file', () => {
  it('has at most 50 lines: parse, one use case, answer', () => {
    const files = [...new Set(Object.values(lambdaEntries).map((entry) => `functions/${entry.file}`))];
    const long = files
      .map((file) => ({
        file,
        lines: readFileSync(path.join(root, file), 'utf8').trimEnd().split('\n').length,
      }))
      .filter(({ lines }) => lines > 50);
    expect(long).toEqual([]);
  });

  it('of an audited route (organiser writes, marked reads) uses organiserRoute, and no other does (the check can fail)', () => {
    const writes = new Set(routes.filter(isAuditedRoute).map((route) => route.entry));
    const http = new Set(routes.map((route) => route.entry));
    const wrongly = [...http].flatMap((entry) => {
      const source = readFileSync(path.join(root, 'functions', lambdaEntries[entry].file), 'utf8');
      const audited = /export const handler = organiserRoute\(/.test(source);
      return audited === writes.has(entry) ? [] : [`${entry}: ${audited ? 'audited' : 'not audited'}`];
    });
    expect(writes.size).toBeGreaterThan(10);
    expect(wrongly).toEqual([]);
  });
});

describe('what the code cites', () => {
  const sources = ['functions', 'lib', 'local', 'bench', 'test', 'bin'].flatMap((folder) =>
    filesUnder(folder),
  );
  const documents = ['README.md', ...filesUnder('docs', '.md')];
  const texts = [...sources, ...documents].map((file) => ({
    file,
    text: readFileSync(path.join(root, file), 'utf8'),
  }));

  it('names no file outside the repository', () => {
    const outside = texts
      .filter(({ text }) => /\.\.\/shared\b|DESIGN\.md/.test(text))
      .map(({ file }) => file);
    expect(outside).toEqual([]);
  });

  it('names files and folders that exist', () => {
    const cited = texts.flatMap(({ file, text }) =>
      [
        ...text.matchAll(/(?<![\w@./-])((?:functions|lib|local|bench|docs|test|bin|\.ci)\/[\w./-]*[\w/])/g),
      ].map((match) => ({
        file,
        cited: (match[1] ?? '').replace(/\/$/, ''),
      })),
    );
    expect(cited.length).toBeGreaterThan(50);
    // A citation may leave out the extension, as imports do.
    const missingOf = (citations: readonly { cited: string }[]) =>
      citations.filter(
        ({ cited: target }) =>
          !['', '.ts', '.md', '.json'].some((extension) =>
            existsSync(path.join(root, `${target}${extension}`)),
          ),
      );
    expect(missingOf([{ cited: ['lib', 'nope.ts'].join('/') }, { cited: 'lib/bundling' }])).toHaveLength(1);
    expect(missingOf(cited)).toEqual([]);
  });

  it('cites sections of docs/architecture.md that exist', () => {
    const headings = new Set(
      [...readFileSync(path.join(root, 'docs/architecture.md'), 'utf8').matchAll(/^#+\s+(.+)$/gm)].map(
        (match) => match[1]?.trim(),
      ),
    );
    const cited = texts.flatMap(({ file, text }) =>
      [
        ...text.replace(/\s*\n\s*(\*\s*|\/\/\s*)?/g, ' ').matchAll(/docs\/architecture\.md[,:]? "([^"]+)"/g),
      ].map((match) => ({ file, section: match[1] })),
    );
    expect(cited.length).toBeGreaterThan(3);
    expect(cited.filter(({ section }) => !headings.has(section))).toEqual([]);
  });
});
