import { nl } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * Validation messages reach Dutch readers (clients of the API and forms, operators reading a ConfigError).
 * zod/mini sets no locale of its own, so without this every message zod writes itself reads "Invalid input".
 * The locale is process-wide: import this module for its side effect wherever zod messages can be shown,
 * and import nothing from classic `zod`, which sets English for the whole process when it builds a schema
 * before any locale is set.
 */
z.config(nl());
