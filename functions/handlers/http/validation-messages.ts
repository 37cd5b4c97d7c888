import type * as z from 'zod/mini';

/**
 * The API's validation messages: one formatter for every kind of issue zod raises, each message Dutch and
 * naming its field as the client spelled it (`capacity`, `questions.needs`), so a client reading a 400 knows
 * what to change without the source. Passed to `safeParse` as its error map, it fills in only what a schema
 * did not say itself: a message a schema gives (`'Vul je e-mailadres in.'`) comes first, as zod orders them.
 */

type RawIssue = z.core.$ZodRawIssue;

const fieldOf = (issue: RawIssue): string | undefined =>
  issue.path && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;

/** "Het veld ‘capacity’" or, for the body itself, "De inhoud". */
const subject = (field: string | undefined): string => (field ? `Het veld ‘${field}’` : 'De inhoud');

const typeNames: Record<string, string> = {
  string: 'tekst',
  number: 'een getal',
  int: 'een geheel getal',
  bigint: 'een geheel getal',
  boolean: 'true of false',
  object: 'een object',
  array: 'een lijst',
  date: 'een datum',
  null: 'null',
  undefined: 'afwezig',
  nan: 'NaN',
  never: 'afwezig',
};

const describeValue = (input: unknown): string => {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'een lijst';
  switch (typeof input) {
    case 'string':
      return 'tekst';
    case 'number':
      return Number.isInteger(input) ? 'een geheel getal' : 'een getal';
    case 'boolean':
      return input ? 'true' : 'false';
    case 'object':
      return 'een object';
    default:
      return typeof input;
  }
};

const formatNames: Record<string, string> = {
  email: 'een geldig e-mailadres, zoals naam@voorbeeld.nl',
  url: 'een volledige URL, zoals https://voorbeeld.nl/pagina',
  datetime: 'een tijdstip in ISO 8601 met tijdzone, zoals 2027-03-12T09:30:00Z',
  date: 'een datum als JJJJ-MM-DD, zoals 2027-03-12',
  time: 'een tijd als UU:MM, zoals 09:30',
  uuid: 'een UUID',
  ulid: 'een ULID',
  base64url: 'base64url-tekst',
};

const count = (amount: unknown, one: string, many: string): string =>
  `${String(amount)} ${amount === 1 ? one : many}`;

const boundOf = (origin: string | undefined, bound: unknown): string => {
  switch (origin) {
    case 'string':
      return count(bound, 'teken', 'tekens');
    case 'array':
    case 'set':
      return count(bound, 'element', 'elementen');
    case 'file':
      return `${String(bound)} bytes`;
    case 'date':
      return new Date(Number(bound)).toISOString();
    default:
      return String(bound);
  }
};

const quoted = (values: readonly unknown[]): string =>
  values.map((value) => JSON.stringify(value)).join(', ');

/** The Dutch message of one issue zod raised, naming its field. */
export const validationMessage = (issue: RawIssue): string => {
  const field = fieldOf(issue);
  const it = subject(field);
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined && field) return `${it} ontbreekt.`;
      // A query parameter read as a number that is none (`?limit=veel`).
      if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return `${it} moet een getal zijn.`;
      const expected = typeNames[issue.expected] ?? issue.expected;
      return `${it} moet ${expected} zijn, niet ${describeValue(issue.input)}.`;
    }
    case 'too_small': {
      const origin = issue.origin;
      if (origin === 'string' && Number(issue.minimum) === 1) return `${it} mag niet leeg zijn.`;
      if ((origin === 'array' || origin === 'set') && Number(issue.minimum) === 1) {
        return `${it} moet minstens één element bevatten.`;
      }
      const bound = boundOf(origin, issue.minimum);
      if (origin === 'string') return `${it} moet minstens ${bound} lang zijn.`;
      if (origin === 'array' || origin === 'set') return `${it} moet minstens ${bound} bevatten.`;
      return issue.inclusive === false
        ? `${it} moet groter zijn dan ${bound}.`
        : `${it} moet minstens ${bound} zijn.`;
    }
    case 'too_big': {
      const origin = issue.origin;
      const bound = boundOf(origin, issue.maximum);
      if (origin === 'string') return `${it} mag hoogstens ${bound} lang zijn.`;
      if (origin === 'array' || origin === 'set') return `${it} mag hoogstens ${bound} bevatten.`;
      return issue.inclusive === false
        ? `${it} moet kleiner zijn dan ${bound}.`
        : `${it} mag hoogstens ${bound} zijn.`;
    }
    case 'invalid_format': {
      const format = issue.format;
      if (format === 'starts_with' && 'prefix' in issue)
        return `${it} moet beginnen met “${String(issue.prefix)}”.`;
      if (format === 'ends_with' && 'suffix' in issue)
        return `${it} moet eindigen op “${String(issue.suffix)}”.`;
      if (format === 'includes' && 'includes' in issue)
        return `${it} moet “${String(issue.includes)}” bevatten.`;
      const name = formatNames[format];
      return name ? `${it} moet ${name} zijn.` : `${it} heeft niet de vorm die hier hoort.`;
    }
    case 'not_multiple_of':
      return `${it} moet een veelvoud van ${String(issue.divisor)} zijn.`;
    case 'unrecognized_keys': {
      const where = field ? ` in ‘${field}’` : '';
      return issue.keys.length === 1
        ? `Onbekend veld${where}: ‘${issue.keys[0]}’. Laat het weg of controleer de spelling.`
        : `Onbekende velden${where}: ${issue.keys.map((key) => `‘${key}’`).join(', ')}. Laat ze weg of controleer de spelling.`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `${it} moet ${quoted(issue.values)} zijn.`
        : `${it} moet een van deze waarden zijn: ${quoted(issue.values)}.`;
    case 'invalid_union':
      return `${it} past bij geen van de vormen die hier kunnen.`;
    case 'invalid_key':
      return `${it} heeft een sleutel die hier niet kan.`;
    case 'invalid_element':
      return `${it} bevat een element dat hier niet kan.`;
    default:
      return `${it} is ongeldig.`;
  }
};
