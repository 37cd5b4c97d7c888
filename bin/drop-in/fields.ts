import { UsageError } from './exit-codes';
import { type FieldSchema, resolveSchema } from './operations';

/**
 * Text from the command line or a file's front matter, turned into the JSON a request field takes, by the
 * field's schema in the API document: numbers, `true`/`false` (or `ja`/`nee`), comma-separated lists, JSON
 * for objects, `null` where the field may be null. Whether the value is allowed is the API's to say: it
 * answers in Dutch, per field, and the CLI prints that.
 */

const typesOf = (schema: FieldSchema): string[] => {
  const resolved = resolveSchema(schema);
  if (resolved.anyOf) return resolved.anyOf.flatMap(typesOf);
  if (resolved.type === undefined) return [];
  return typeof resolved.type === 'string' ? [resolved.type] : [...resolved.type];
};

const booleanWords: Readonly<Record<string, boolean>> = { true: true, false: false, ja: true, nee: false };

export const fieldValue = (name: string, text: string, schema: FieldSchema): unknown => {
  const types = typesOf(schema);
  const trimmed = text.trim();
  if (trimmed === 'null' && types.includes('null')) return null;
  if (types.includes('integer') || types.includes('number')) {
    const value = Number(trimmed.replace(',', '.'));
    // Not a number: the API's own Dutch message says so better ("moet een getal zijn, niet tekst").
    return trimmed !== '' && Number.isFinite(value) ? value : text;
  }
  if (types.includes('boolean')) {
    const value = booleanWords[trimmed.toLowerCase()];
    if (value === undefined) throw new UsageError(`${name}: geef true of false (ja of nee), niet “${text}”`);
    return value;
  }
  if (types.includes('array')) {
    const list = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
    const items = list
      .split(',')
      .map((item) => item.trim().replace(/^(["'])(.*)\1$/, '$2'))
      .filter((item) => item !== '');
    const itemSchema = resolveSchema(schema).items;
    return itemSchema ? items.map((item) => fieldValue(name, item, itemSchema)) : items;
  }
  if (types.includes('object')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      throw new UsageError(`${name}: geef een JSON-object, zoals {"role": true}`);
    }
  }
  return text;
};

/** A number option of the CLI itself (`--version 3`, `--limit 50`, `--interval 0,5`), or wrong usage. */
export const numberOption = (
  option: string,
  text: string,
  { min, whole }: { min: number; whole: boolean },
): number => {
  const value = Number(text.trim().replace(',', '.'));
  if (text.trim() === '' || !Number.isFinite(value) || value < min || (whole && !Number.isInteger(value))) {
    throw new UsageError(
      `${option}: geef ${whole ? 'een geheel getal' : 'een getal'} van minstens ${min}, niet “${text}”`,
    );
  }
  return value;
};

/** `venueAddress` → `venue-address`: the option a field gets. */
export const optionName = (field: string): string =>
  field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** `venue-address` or `venueAddress` → `venueAddress`. */
export const fieldName = (option: string): string =>
  option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** A field's description, for an option's help line. */
export const fieldHelp = (schema: FieldSchema, required: boolean): string => {
  const description = resolveSchema(schema).description ?? '';
  return required ? `${description} (verplicht)` : description;
};
