import { z } from 'zod';
import { consentText } from '../../core/subscriptions/consent';
import { subscriptionStatuses, topics } from '../../core/subscriptions/model';
import type { NewsletterFormValues } from '../../web/pages/newsletter';

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
    message: 'De toestemmingstekst is intussen gewijzigd. Lees hem en geef opnieuw toestemming.',
  });

export const preferencesForm = z.object({ name: nameInput, topics: topicsInput });

/** What the person typed, to show again when the form has an error. */
export const newsletterFormValues = (form: URLSearchParams): NewsletterFormValues => ({
  email: form.get('email') ?? '',
  name: form.get('name') ?? '',
  topics: form.getAll('topics'),
  consent: form.get('consent') === 'true',
});

/** The form as the schema reads it: an unticked consent box is absent from the form, so it reads as missing. */
export const subscribeFormInput = (form: URLSearchParams) => ({
  ...newsletterFormValues(form),
  consent: form.get('consent') === 'true' ? true : undefined,
  consentVersion: form.get('consentVersion') ?? '',
});

export const subscriberListQuery = z.object({
  status: z.enum(subscriptionStatuses).default('active'),
  topic: z.enum(topics).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
