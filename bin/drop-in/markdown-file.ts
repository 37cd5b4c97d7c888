import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes';
import { fieldValue } from './fields';
import { type FieldSchema, resolveSchema } from './operations';

/**
 * A mailing or a report as a Markdown file: front matter between `---` lines with the request's fields, one
 * `name: value` per line, then the Markdown, which becomes the `body`:
 *
 *   ---
 *   subject: Vooruitblik december
 *   topics: nieuwsbrief, publicaties
 *   ---
 *   # Wat er komt
 *
 * A name is a field of the operation's body (`subject`, `preheader`), or a field inside one of its object
 * fields (`topics` is `audience.topics`; `audience.topics` works too). Values are read by the field's type in
 * the API document (fields.ts).
 */

interface FieldPlace {
  readonly path: readonly string[];
  readonly schema: FieldSchema;
}

/** Every name the front matter may use for this body, and where in the request it goes. */
export const frontMatterFields = (body: FieldSchema): Map<string, FieldPlace> => {
  const places = new Map<string, FieldPlace>();
  const inner = new Map<string, FieldPlace[]>();
  for (const [name, schema] of Object.entries(resolveSchema(body).properties ?? {})) {
    if (name === 'body') continue;
    places.set(name, { path: [name], schema });
    const resolved = resolveSchema(schema);
    for (const [innerName, innerSchema] of Object.entries(resolved.properties ?? {})) {
      const place = { path: [name, innerName], schema: innerSchema };
      places.set(`${name}.${innerName}`, place);
      inner.set(innerName, [...(inner.get(innerName) ?? []), place]);
    }
  }
  // A field inside an object answers to its own name too, where that names nothing else.
  for (const [name, found] of inner) {
    const [only] = found;
    if (found.length === 1 && only !== undefined && !places.has(name)) places.set(name, only);
  }
  return places;
};

const setAt = (target: Record<string, unknown>, path: readonly string[], value: unknown): void => {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (typeof target[head] !== 'object' || target[head] === null) target[head] = {};
  setAt(target[head] as Record<string, unknown>, rest, value);
};

/** Reads the file: the fields of its front matter, and its Markdown as `body`. */
export const readMarkdownRequest = (file: string, body: FieldSchema): Record<string, unknown> => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'bestaat niet' : String(error)}`,
    );
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const request: Record<string, unknown> = {};
  let bodyStart = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
    if (end === -1)
      throw new UsageError(`${file}: de voorpagina (front matter) sluit niet af met een regel ---`);
    const places = frontMatterFields(body);
    for (let index = 1; index < end; index++) {
      const line = lines[index] ?? '';
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const match = /^\s*([A-Za-z][\w.]*)\s*:\s?(.*)$/.exec(line);
      if (!match) throw new UsageError(`${file}, regel ${index + 1}: schrijf “naam: waarde”`);
      const [, name = '', raw = ''] = match;
      const place = places.get(name);
      if (!place) {
        throw new UsageError(
          `${file}, regel ${index + 1}: “${name}” is geen veld; wel: ${[...places.keys()].join(', ')}`,
        );
      }
      const value = raw.trim().replace(/^(["'])(.*)\1$/, '$2');
      setAt(request, place.path, fieldValue(name, value, place.schema));
    }
    bodyStart = end + 1;
  }
  const markdown = lines
    .slice(bodyStart)
    .join('\n')
    .replace(/^\s*\n/, '')
    .trimEnd();
  if (markdown !== '') request.body = `${markdown}\n`;
  return request;
};
