import { z } from 'zod';
import type { FieldIssue } from '../../core/errors';
import { consentText } from '../../core/subscriptions/consent';
import { subscriptionStatuses, topics } from '../../core/subscriptions/model';
import type { NewsletterFormValues } from '../../web/pages/newsletter';
import { fieldIssues } from '../http/request';

/** The same rules for the API and the form: the form only names its fields the same way. */
const noControlCharacters = /^[^\p{Cc}]*$/u;

export const emailInput = z
  .string('Vul je e-mailadres in.')
  .trim()
  .min(1, 'Vul je e-mailadres in.')
  .max(254, 'Een e-mailadres heeft hoogstens 254 tekens.')
  .pipe(z.email('Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.'));

export const nameInput = z
  .string()
  .regex(noControlCharacters, 'Een naam kan geen regeleinden of andere stuurtekens bevatten.')
  .trim()
  .max(100, 'Een naam heeft hoogstens 100 tekens.')
  .transform((name) => name || undefined);

export const topicsInput = z
  .array(z.enum(topics, 'Kies een onderwerp uit de lijst.'))
  .min(1, 'Kies minstens één onderwerp.');

const consentInput = z.literal(true, 'Geef toestemming om e-mail van Drop In te ontvangen.');

export const subscribeRequest = z.strictObject({
  email: emailInput,
  name: nameInput.optional(),
  topics: topicsInput.default(['nieuwsbrief']),
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
  .refine((form) => form.consentVersion === consentText.version, {
    path: ['consent'],
    message: consentTextChanged,
  });

/** Whether the form was filled in under the consent text shown today. */
const consentIsCurrent = (form: URLSearchParams) => form.get('consentVersion') === consentText.version;

export const preferencesForm = z.object({ name: nameInput, topics: topicsInput });

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
export const subscribeFormIssues = (form: URLSearchParams, error: z.ZodError): FieldIssue[] => {
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
const emptyAsAbsent = <Schema extends z.ZodType>(schema: Schema) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

export const subscriberListQuery = z.object({
  status: emptyAsAbsent(z.enum(subscriptionStatuses).default('active')),
  topic: emptyAsAbsent(z.enum(topics).optional()),
  cursor: emptyAsAbsent(z.string().max(2048).optional()),
  limit: emptyAsAbsent(z.coerce.number().int().min(1).max(100).default(50)),
});
