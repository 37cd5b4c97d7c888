import { nl } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * Validation messages reach Dutch readers (clients of the API and forms, operators reading a ConfigError).
 * zod/mini sets no locale of its own, so without this every message zod writes itself reads "Invalid input".
 * The locale is process-wide: import this module for its side effect wherever zod messages can be shown,
 * and import nothing from classic `zod`, whose index switches the process to English when loaded.
 */
z.config(nl());
