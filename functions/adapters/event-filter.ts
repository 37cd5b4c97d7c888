/**
 * Lambda event filtering (the `FilterCriteria` of an event source mapping), as plain data: the CDK puts the
 * pattern on the event source mapping, and the local stream relay and the handler test records with
 * `matchesEventFilter`, so the three cannot disagree about which records reach the function.
 *
 * Only the part of AWS's pattern syntax the system uses is supported: exact values and `prefix`. Any other
 * operator is refused loudly rather than matched differently from AWS.
 */

/** One allowed value: equal to the string or number, or a string starting with `prefix`. */
export type EventFilterValue = string | number | { readonly prefix: string };

/** A field maps to the values it may have (any one of them), or to a nested pattern for an object field. */
export interface EventFilterPattern {
  readonly [field: string]: readonly EventFilterValue[] | EventFilterPattern;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matchesValue = (allowed: EventFilterValue, actual: unknown): boolean => {
  if (typeof allowed === 'string' || typeof allowed === 'number') return actual === allowed;
  const operators = Object.keys(allowed);
  if (operators.length !== 1 || operators[0] !== 'prefix') {
    throw new Error(`Unsupported event filter operator: ${operators.join(', ')}`);
  }
  return typeof actual === 'string' && actual.startsWith(allowed.prefix);
};

/**
 * Whether a record (as Lambda delivers it) passes the pattern: every field of the pattern is present in the
 * record and has one of its allowed values; nested patterns apply to nested objects. An array in the record
 * matches when any of its elements does, as in AWS.
 */
export const matchesEventFilter = (pattern: EventFilterPattern, record: unknown): boolean => {
  if (!isObject(record)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = record[field];
    if (Array.isArray(expected)) {
      const candidates = Array.isArray(actual) ? actual : [actual];
      return (expected as readonly EventFilterValue[]).some((allowed) =>
        candidates.some((candidate) => matchesValue(allowed, candidate)),
      );
    }
    return matchesEventFilter(expected as EventFilterPattern, actual);
  });
};
