import type { Command } from 'commander';
import type { ApiClient } from './api';
import { UsageError } from './exit-codes';
import { fieldHelp, fieldName, fieldValue, numberOption, optionName } from './fields';
import { readMarkdownRequest } from './markdown-file';
import { type FieldSchema, operation, resolveSchema } from './operations';
import type { Printer } from './output';

/** What every command works with, built once from the global options (main.ts). */
export interface Context {
  readonly api: ApiClient;
  readonly out: Printer;
}

export type ContextOf = (command: Command) => Context;

const fieldsOf = (routeKey: string): [string, FieldSchema, boolean][] => {
  const body = operation(routeKey).body;
  const schema = body ? resolveSchema(body) : {};
  return Object.entries(schema.properties ?? {}).map(([name, field]) => [
    name,
    field,
    schema.required?.includes(name) ?? false,
  ]);
};

/**
 * One option per field of the operation's JSON body (`--venue-address <waarde>` for `venueAddress`), with the
 * field's description from the API document; `skip` leaves out the fields the command fills itself.
 */
export const withBodyOptions = (
  command: Command,
  routeKey: string,
  skip: readonly string[] = [],
): Command => {
  for (const [name, schema, required] of fieldsOf(routeKey)) {
    if (skip.includes(name)) continue;
    command.option(`--${optionName(name)} <waarde>`, fieldHelp(schema, required));
  }
  return command;
};

/** The body fields given as options, each read by its type in the API document. */
export const bodyFromOptions = (
  routeKey: string,
  options: Record<string, unknown>,
): Record<string, unknown> => {
  const body: Record<string, unknown> = {};
  for (const [name, schema] of fieldsOf(routeKey)) {
    const given = options[fieldName(name)];
    if (typeof given === 'string') body[name] = fieldValue(`--${optionName(name)}`, given, schema);
  }
  return body;
};

/** The version a change builds on: `--version` if given, else the one the API holds now. */
export const currentVersion = async (
  context: Context,
  showRoute: string,
  id: string,
  given: string | undefined,
): Promise<number> => {
  if (given !== undefined) return numberOption('--version', given, { min: 1, whole: true });
  const { body } = await context.api.call(showRoute, { params: { id } });
  return (body as { version: number }).version;
};

/** A request's fields from a Markdown file (if given) with the options over them. */
export const fieldsFromFile = (
  routeKey: string,
  file: string | undefined,
  options: Record<string, unknown>,
): Record<string, unknown> => ({
  ...(file !== undefined ? readMarkdownRequest(file, operation(routeKey).body ?? {}) : {}),
  ...bodyFromOptions(routeKey, options),
});

/** A change to one record: the given fields, with `If-Match` on the version it builds on. Returns the answer. */
export const changeRecord = async (
  context: Context,
  routes: { readonly update: string; readonly show: string },
  id: string,
  fields: Record<string, unknown>,
  version: string | undefined,
): Promise<unknown> => {
  if (Object.keys(fields).length === 0) {
    throw new UsageError('Geef minstens één veld om te wijzigen (een bestand of een optie, zoals --title)');
  }
  const ifMatch = await currentVersion(context, routes.show, id, version);
  return (await context.api.call(routes.update, { params: { id }, body: fields, ifMatch })).body;
};

/**
 * `<thing> update <id> [file.md]`: a change from a Markdown file and/or options, on the version read (or
 * `--version`), printed as the command prints the thing.
 */
export const addMarkdownUpdate = (
  parent: Command,
  contextOf: ContextOf,
  routes: { readonly update: string; readonly show: string },
  description: string,
  print: (context: Context, body: unknown) => void,
): void => {
  withBodyOptions(
    parent
      .command('update <id> [file.md]')
      .description(description)
      .option('--version <n>', 'de versie waarop de wijziging voortbouwt (standaard de huidige)'),
    routes.update,
    ['body'],
  ).action(
    async (
      id: string,
      file: string | undefined,
      options: Record<string, unknown> & { version?: string },
      command: Command,
    ) => {
      const context = contextOf(command);
      const fields = fieldsFromFile(routes.update, file, options);
      print(context, await changeRecord(context, routes, id, fields, options.version));
    },
  );
};
