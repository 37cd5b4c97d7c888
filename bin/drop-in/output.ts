/**
 * What commands print: a table for people (columns padded, long cells cut), JSON for scripts (`--json`,
 * exactly the API's answer), and times in Dutch as the organiser reads them.
 */

export interface Column<T> {
  readonly title: string;
  readonly value: (row: T) => string | number | undefined | null;
  /** Right-aligned (counts). */
  readonly numeric?: boolean;
  /** At most this many characters; longer text ends in `…`. Default 48. */
  readonly width?: number;
}

const cell = (value: string | number | undefined | null, width: number): string => {
  const text = value === undefined || value === null ? '–' : String(value).replace(/\s+/g, ' ');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
};

export const table = <T>(rows: readonly T[], columns: readonly Column<T>[]): string => {
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row), column.width ?? 48)));
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...cells.map((row) => (row[index] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) =>
        columns[index]?.numeric ? value.padStart(widths[index] ?? 0) : value.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.title)), ...cells.map(line)].join('\n');
};

/** Key–value lines for one record. */
export const details = (
  pairs: readonly (readonly [string, string | number | undefined | null])[],
): string => {
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${value}`)
    .join('\n');
};

const dateTime = new Intl.DateTimeFormat('nl-NL', {
  timeZone: 'Europe/Amsterdam',
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** `12 mrt 2027, 13:30` in Amsterdam time; undefined stays undefined. */
export const when = (instant: string | undefined | null): string | undefined =>
  instant ? dateTime.format(new Date(instant)) : undefined;

export const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** Where the command's results go: stdout; messages for people go to stderr, so `--json` stays parseable. */
export interface Printer {
  readonly asJson: boolean;
  /** The result: JSON with `--json`, else the human form. */
  result(value: unknown, human: () => string): void;
  /** A list: `{ items }` as JSON, else a table, or `empty` when there is nothing. */
  list<T>(items: readonly T[], empty: string, columns: readonly Column<T>[]): void;
  /** A message for the person at the terminal (stderr). */
  say(message: string): void;
}

const write = (asJson: boolean, value: unknown, human: () => string): void => {
  process.stdout.write(`${asJson ? json(value) : human()}\n`);
};

export const printer = (asJson: boolean): Printer => ({
  asJson,
  result: (value, human) => write(asJson, value, human),
  list: (items, empty, columns) =>
    write(asJson, { items }, () => (items.length === 0 ? empty : table(items, columns))),
  say: (message) => {
    process.stderr.write(`${message}\n`);
  },
});
