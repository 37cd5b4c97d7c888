import * as z from 'zod/mini';
import '../../adapters/validation-locale';
import type { FieldIssue } from '../../core/errors';
import { consentText } from '../../core/subscriptions/consent';
import { subscriptionStatuses, topics } from '../../core/subscriptions/model';
import type { NewsletterFormValues } from '../../web/pages/newsletter';
import { fieldIssues } from '../http/request';
import { emailInput, noControlCharacters, noControlExceptNewlines, singleLine } from './fields';

export const nameInput = z.pipe(
  z
    .string()
    .check(
      z.regex(noControlCharacters, 'Een naam kan geen regeleinden of andere stuurtekens bevatten.'),
      z.normalize('NFC'),
      z.trim(),
      z.maxLength(100, 'Een naam heeft hoogstens 100 tekens.'),
    ),
  z.transform((name: string) => name || undefined),
);

export const topicsInput = z
  .array(z.enum(topics, 'Kies een onderwerp uit de lijst.'))
  .check(z.minLength(1, 'Kies minstens één onderwerp.'));

const consentInput = z.literal(true, 'Geef toestemming om e-mail van Drop In te ontvangen.');

export const subscribeRequest = z.strictObject({
  email: emailInput,
  name: z.optional(nameInput),
  topics: z._default(topicsInput, ['nieuwsbrief']),
  consent: consentInput,
});

const consentTextChanged =
  'De toestemmingstekst is intussen gewijzigd. Lees hem en geef opnieuw toestemming.';

export const subscribeForm = z
  .object({
    email: emailInput,
    name: nameInput,
    topics: topicsInput,
    consent: consentInput,
    consentVersion: z.string(),
  })
  // The consent stored must be to the text the person saw: a form from before a text change is asked again.
  .check(
    z.refine((form) => form.consentVersion === consentText.version, {
      path: ['consent'],
      message: consentTextChanged,
    }),
  );

/** Whether the form was filled in under the consent text shown today. */
const consentIsCurrent = (form: URLSearchParams) => form.get('consentVersion') === consentText.version;

export const preferencesForm = z.object({ name: nameInput, topics: topicsInput });

/** The fresh-link form: the address only (docs/architecture.md, "Links and tokens"). */
export const freshLinkForm = z.object({ email: emailInput });

/**
 * What the person typed, to show again when the form has an error. A tick given under an older consent text
 * is not kept: the form shows today's text, and that one has not been agreed to yet.
 */
export const newsletterFormValues = (form: URLSearchParams): NewsletterFormValues => ({
  email: form.get('email') ?? '',
  name: form.get('name') ?? '',
  topics: form.getAll('topics'),
  consent: form.get('consent') === 'true' && consentIsCurrent(form),
});

/**
 * The form's problems. Under an older consent text the consent field says that, and only that, whatever else
 * is wrong and whether or not the box was ticked.
 */
export const subscribeFormIssues = (form: URLSearchParams, error: z.core.$ZodError): FieldIssue[] => {
  const issues = fieldIssues(error);
  if (consentIsCurrent(form)) return issues;
  return [
    ...issues.filter((issue) => issue.field !== 'consent'),
    { field: 'consent', message: consentTextChanged },
  ];
};

/** The form as the schema reads it: an unticked consent box is absent from the form, so it reads as missing. */
export const subscribeFormInput = (form: URLSearchParams) => ({
  ...newsletterFormValues(form),
  consent: form.get('consent') === 'true' ? true : undefined,
  consentVersion: form.get('consentVersion') ?? '',
});

/** `?status=` is a filter left empty, as an HTML form sends it: the same as leaving it out. */
const emptyAsAbsent = <Schema extends z.ZodMiniType>(schema: Schema) =>
  z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    schema,
  );

export const subscriberListQuery = z.object({
  status: emptyAsAbsent(z._default(z.enum(subscriptionStatuses), 'active')),
  topic: emptyAsAbsent(z.optional(z.enum(topics))),
  cursor: emptyAsAbsent(z.optional(z.string().check(z.maxLength(2048)))),
  limit: emptyAsAbsent(z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50)),
});

/** Why the API would refuse an address (the forms' rule, in their words); undefined when it takes it. */
export const addressIssue = (email: string): string | undefined => {
  const parsed = emailInput.safeParse(email);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'Geen geldig e-mailadres.');
};

/** A name from an imported file, as the forms take it; undefined for one they would refuse. */
export const importedName = (name: string): string | undefined => {
  const parsed = nameInput.safeParse(name);
  return parsed.success ? parsed.data : undefined;
};

/** An import (core/subscriptions/import.ts): the file as text, and the organiser's choices. */
export const subscriberImportRequest = z.strictObject({
  csv: z.string(),
  // One line, no control or bidirectional characters: the confirmation mail quotes it to every person.
  source: singleLine(500),
  topics: z._default(topicsInput, ['nieuwsbrief']),
  dryRun: z._default(z.boolean(), false),
  confirmedEvidence: z.optional(
    z
      .string()
      .check(z.regex(noControlExceptNewlines, 'Stuurtekens kunnen hier niet.'), z.trim(), z.maxLength(1000)),
  ),
});
