import * as z from 'zod/mini';
import { pathParameterPattern } from '../../paths';

/**
 * What the API answers, as zod schemas: the contract's response side (the request side is the handlers' own
 * validators, functions/handlers/inputs). Only the contract's generator (lib/contract/openapi-document.ts)
 * loads these at run time; a view names its schema's type (`z.output`) so the compiler holds the two together,
 * and the integration tests check every answer against the generated document (test/support/contract.ts).
 */

/**
 * Describes a field or a schema in the document (Dutch, as the docs page shows it). Not for a `named` schema: the
 * described copy would be a second component with the same id, which the generator refuses.
 */
export const about = <T extends z.ZodMiniType>(schema: T, description: string): T =>
  schema.check(z.describe(description));

/** A named schema: a component of the document, `$ref`'d wherever it is used. */
export const named = <T extends z.ZodMiniType>(schema: T, id: string, description: string): T =>
  schema.check(z.meta({ id, description }));

/** An instant as the API writes it: UTC, RFC 3339 with `Z` (toISOString). */
export const instant = z.iso.datetime();

/** A calendar day, `2027-03-28`. */
export const day = z.iso.date();

/** An id of ours in a path or a body: a ULID, a slug or a person's hex id. */
export const id = z.string().check(z.regex(pathParameterPattern));

/** A count: a whole number, never negative. */
export const count = z.number().check(z.int(), z.gte(0));

/** The version of a record: If-Match takes it back as the ETag `"<version>"`. */
export const version = about(z.number().check(z.int(), z.gte(1)), 'De versie; de ETag is "<versie>".');

/** A page of a list: the items and the cursor of the next page (`null`: this was the last). */
export const listPage = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: about(
      z.nullable(z.string()),
      'Geef deze waarde als `cursor` mee voor de volgende pagina; `null` op de laatste pagina.',
    ),
  });

/** One problem with one field of the input. */
export const fieldIssue = z.object({
  field: about(z.string(), 'Het veld zoals het in de invoer heet, zoals `startsAt` of `audience.topics`.'),
  message: about(z.string(), 'Wat er mis is, in het Nederlands.'),
});

/** RFC 9457 problem details, as every API error answers (functions/handlers/http/respond.ts). */
export const problemDetails = named(
  z.object({
    type: about(
      z.string().check(z.regex(/^urn:dropin:problem:[a-z-]+$/)),
      'Het soort fout, vast en leesbaar voor programma’s.',
    ),
    title: about(z.string(), 'De soort fout in een paar woorden.'),
    status: z.number().check(z.int(), z.gte(400), z.lte(599)),
    detail: z.optional(about(z.string(), 'Wat er mis is en wat je kunt doen, in het Nederlands.')),
    instance: about(z.string(), 'Het pad van het verzoek (zonder query: daarin kunnen tokens staan).'),
    errors: z.optional(about(z.array(fieldIssue), 'Per veld wat er mis is (bij `invalid-input`).')),
  }),
  'Problem',
  'Een fout volgens RFC 9457 (application/problem+json).',
);

/** What API Gateway itself answers when it refuses a request (a missing or invalid token: 401). */
export const gatewayMessage = z.object({ message: z.string() });
