import { normaliseAddress } from '../people/person-id';

/**
 * A list of subscribers as organisers have them: a spreadsheet saved as CSV, by Dutch Excel with `;`, by
 * others with `,`; a header row naming the columns (`e-mailadres`, `naam`, or `voornaam` and `achternaam`),
 * or none, when one column holds the addresses. Quoted cells may hold the separator, quotes (`""`) and line
 * breaks (RFC 4180). Text only: the bytes were decoded by whoever read the file (the CLI reads UTF-8 with or
 * without BOM, and Windows-1252).
 */

/** One line of the file as the import reads it. */
export interface ImportRow {
  /** The file's line on which the record starts (1 is the first line), for the report. */
  readonly line: number;
  readonly email: string;
  readonly name?: string;
}

export interface ImportFile {
  readonly separator: ';' | ',';
  readonly header: boolean;
  readonly rows: readonly ImportRow[];
}

/** What an organiser's file is, when it is not a list of subscribers: said in Dutch, to the person importing. */
export class UnreadableImportFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableImportFile';
  }
}

/** The records of the text, each with the line it starts on; quotes as RFC 4180 has them. */
const records = (text: string, separator: string): { line: number; cells: string[] }[] => {
  const result: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        cell += char;
      }
      continue;
    }
    if (char === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (char === separator) {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      result.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      recordLine = line;
    } else cell += char;
  }
  if (quoted) throw new UnreadableImportFile(`Een aanhalingsteken op regel ${recordLine} sluit niet af.`);
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    result.push({ line: recordLine, cells });
  }
  return result.filter((record) => record.cells.some((value) => value.trim() !== ''));
};

/** The separator of the first line, counted outside quotes: Dutch Excel writes `;`, most others `,`. */
const separatorOf = (text: string): ';' | ',' => {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const outside = first.replace(/"(?:[^"]|"")*"/g, '');
  return (outside.match(/;/g)?.length ?? 0) >= (outside.match(/,/g)?.length ?? 0) && outside.includes(';')
    ? ';'
    : ',';
};

const headerWord = (cell: string) =>
  cell
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const addressHeaders = new Set(['email', 'emailadres', 'emailaddress', 'mail', 'mailadres']);
const nameHeaders = new Set(['naam', 'name', 'volledigenaam', 'fullname']);
const firstNameHeaders = new Set(['voornaam', 'firstname', 'givenname']);
const lastNameHeaders = new Set(['achternaam', 'lastname', 'familyname', 'surname']);

export const readImportFile = (input: string): ImportFile => {
  const text = input.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new UnreadableImportFile('Het bestand is leeg.');
  const separator = separatorOf(text);
  const all = records(text, separator);
  const [first, ...rest] = all;
  if (!first) throw new UnreadableImportFile('Het bestand is leeg.');
  const words = first.cells.map(headerWord);
  const addressColumn = words.findIndex((word) => addressHeaders.has(word));
  if (addressColumn !== -1) {
    const column = (names: Set<string>) => words.findIndex((word) => names.has(word));
    const name = column(nameHeaders);
    const firstName = column(firstNameHeaders);
    const lastName = column(lastNameHeaders);
    const nameOf = (cells: readonly string[]): string | undefined => {
      const full =
        name !== -1
          ? (cells[name] ?? '')
          : [firstName, lastName].map((index) => (index === -1 ? '' : (cells[index] ?? '').trim())).join(' ');
      const tidy = full.replace(/\s+/g, ' ').trim();
      return tidy === '' ? undefined : tidy;
    };
    return {
      separator,
      header: true,
      rows: rest.map(({ line, cells }) => {
        const rowName = nameOf(cells);
        return { line, email: (cells[addressColumn] ?? '').trim(), ...(rowName ? { name: rowName } : {}) };
      }),
    };
  }
  // No header: the column whose first cell is an address holds the addresses, the next one the name if it
  // reads as one (letters, no digits: not a phone number or a postcode).
  const guessed = first.cells.findIndex((cell) => cell.includes('@'));
  if (guessed === -1) {
    throw new UnreadableImportFile(
      'Geen kolom met e-mailadressen gevonden: geef de kolom de kop “e-mailadres” (en eventueel “naam”).',
    );
  }
  return {
    separator,
    header: false,
    rows: all.map(({ line, cells }) => {
      const name = (cells[guessed + 1] ?? '').trim();
      const readsAsName = /\p{L}/u.test(name) && !/[\d@]/.test(name);
      return { line, email: (cells[guessed] ?? '').trim(), ...(readsAsName ? { name } : {}) };
    }),
  };
};

/** Why a row is not imported (beside the standing of the person it names, which only the store knows). */
export type RowProblem =
  | { readonly line: number; readonly kind: 'invalid'; readonly reason: string }
  | { readonly line: number; readonly kind: 'duplicate'; readonly firstLine: number };

export interface SortedRows {
  /** One row per address, the first it appeared on, with the normalised address. */
  readonly unique: readonly ImportRow[];
  readonly problems: readonly RowProblem[];
}

/**
 * Drops what cannot be imported whoever the person is: an address the API would not take (`issue` says why,
 * in Dutch; undefined when the address is fine), and every later row with an address already seen (compared
 * as the person id is made: trimmed and lower-cased).
 */
export const sortRows = (
  rows: readonly ImportRow[],
  issue: (email: string) => string | undefined,
): SortedRows => {
  const unique: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const reason = row.email === '' ? 'Geen e-mailadres.' : issue(row.email);
    if (reason !== undefined) {
      problems.push({ line: row.line, kind: 'invalid', reason });
      continue;
    }
    const email = normaliseAddress(row.email);
    const firstLine = seen.get(email);
    if (firstLine !== undefined) {
      problems.push({ line: row.line, kind: 'duplicate', firstLine });
      continue;
    }
    seen.set(email, row.line);
    unique.push({ ...row, email });
  }
  return { unique, problems };
};
