import * as z from 'zod/mini';
import '../../adapters/validation-locale';
import { reportKinds, reportStatuses, reportVisibilities } from '../../core/reports/report';
import type { ReportRequestConsent } from '../../core/reports/request-consent';
import { emailInput, noControlCharacters, noControlExceptNewlines, singleLine } from './fields';
import { instant } from './instant';

const text = (max: number) =>
  z
    .string()
    .check(z.regex(noControlExceptNewlines), z.normalize('NFC'), z.trim(), z.minLength(1), z.maxLength(max));

/** Report bodies are long Markdown: 100,000 characters, so the JSON may be larger than other requests. */
export const reportBodyLimitBytes = 512 * 1024;

const reportFields = {
  title: singleLine(200),
  slug: z.string().check(z.maxLength(200)),
  kind: z.enum(reportKinds),
  summary: text(1_000),
  body: text(100_000),
  publishedOn: z.string().check(z.maxLength(10)),
  meetingId: singleLine(100),
  visibility: z.enum(reportVisibilities),
  approveRequests: z.boolean(),
};

/** A new report; the slug comes from the title unless given, it is public unless said otherwise. */
export const createReportRequest = z.strictObject({
  ...reportFields,
  slug: z.optional(reportFields.slug),
  meetingId: z.optional(reportFields.meetingId),
  visibility: z._default(reportFields.visibility, 'public'),
  approveRequests: z.optional(reportFields.approveRequests),
});

/** Changes; `meetingId: null` removes the link to a meeting. */
export const updateReportRequest = z
  .partial(z.strictObject({ ...reportFields, meetingId: z.nullable(reportFields.meetingId) }))
  .check(z.refine((changes) => Object.keys(changes).length > 0, 'Geef minstens één veld om te wijzigen.'));

/** `POST /api/organiser/reports/{id}/schedule`: when it is published. */
export const scheduleReportRequest = z.strictObject({ at: instant });

export const reportListQuery = z.object({
  status: z._default(z.enum(reportStatuses), 'published'),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
});

/** The public archive and its JSON: one kind or all, a page at a time. */
export const publicReportQuery = z.object({
  soort: z.optional(z.enum(reportKinds)),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** `PUT /api/organiser/reports/{id}/document`: the upload to complete, and the name downloads are saved as. */
export const attachDocumentRequest = z.strictObject({
  uploadId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'Geef het uploadId van het uploadformulier.')),
  filename: z.optional(z.string().check(z.maxLength(100))),
});

const requiredLine = (max: number, missing: string) =>
  z
    .string()
    .check(
      z.regex(noControlCharacters, 'Eén regel, zonder stuurtekens.'),
      z.normalize('NFC'),
      z.trim(),
      z.minLength(1, missing),
      z.maxLength(max, `Hoogstens ${max} tekens.`),
    );

/** The request form of an on-request report; the consent must be to today's text (the stage's `consent`). */
export const reportRequestForm = (consent: ReportRequestConsent) =>
  z
    .object({
      email: emailInput,
      name: requiredLine(100, 'Vul je naam in.'),
      organisation: requiredLine(200, 'Vul je organisatie in.'),
      purpose: z.pipe(
        z
          .string()
          .check(
            z.regex(noControlExceptNewlines, 'Zonder stuurtekens.'),
            z.normalize('NFC'),
            z.trim(),
            z.maxLength(500, 'Hoogstens 500 tekens.'),
          ),
        z.transform((purpose: string) => purpose || undefined),
      ),
      consent: z.literal(true, 'Geef toestemming om je gegevens voor deze aanvraag te bewaren.'),
      consentVersion: z.string(),
    })
    .check(
      z.refine((form) => form.consentVersion === consent.version, {
        path: ['consent'],
        message: 'De toestemmingstekst is intussen gewijzigd. Lees hem en geef opnieuw toestemming.',
      }),
    );

/** The form as sent, for zod: a ticked box is `true`. */
export const reportRequestInput = (form: URLSearchParams) => ({
  email: form.get('email') ?? '',
  name: form.get('name') ?? '',
  organisation: form.get('organisation') ?? '',
  purpose: form.get('purpose') ?? '',
  consent: form.get('consent') === 'true',
  consentVersion: form.get('consentVersion') ?? '',
});
