import * as z from 'zod/mini';
import '../../adapters/validation-locale';
import type { AnnouncementOverrides } from '../../core/mailings/announcement';
import type { Audience, MailingContent } from '../../core/mailings/mailing';
import { instant } from './instant';

/**
 * A mailing as the organiser API takes it. Shapes here; the rules (lengths, known topics, a meeting with a
 * selection) are the core's (core/mailings/mailing.ts), so the API and any other way in say the same.
 */
const audience = z.strictObject({
  topics: z.optional(z.array(z.string())),
  meeting: z.optional(z.string()),
  registrations: z.optional(z.string()),
});

/** The parsed audience as the core's type; what it lacks or mixes up is the core's 400 to name. */
const audienceOf = (input: z.infer<typeof audience>): Audience =>
  ({
    ...(input.topics !== undefined ? { topics: input.topics } : {}),
    ...(input.meeting !== undefined || input.registrations !== undefined
      ? { meeting: input.meeting ?? '', registrations: input.registrations ?? '' }
      : {}),
  }) as Audience;

export const createMailingRequest = z.pipe(
  z.strictObject({
    subject: z.string(),
    preheader: z.optional(z.string()),
    body: z.string(),
    audience,
  }),
  z.transform(
    (input): MailingContent => ({
      subject: input.subject,
      ...(input.preheader !== undefined ? { preheader: input.preheader } : {}),
      body: input.body,
      audience: audienceOf(input.audience),
    }),
  ),
);

export const updateMailingRequest = z.pipe(
  z.strictObject({
    subject: z.optional(z.string()),
    preheader: z.optional(z.string()),
    body: z.optional(z.string()),
    audience: z.optional(audience),
  }),
  z.transform((input): Partial<MailingContent> => {
    const { audience: given, ...rest } = input;
    return {
      ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
      ...(given ? { audience: audienceOf(given) } : {}),
    };
  }),
);

export const mailingListQuery = z.object({
  cursor: z.optional(z.string()),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
});

/** Mailing bodies are longer than other JSON: the core allows 50,000 characters of Markdown. */
export const mailingBodyLimitBytes = 256 * 1024;

/** The addresses of a test-send; how many (1 to 5) and their form are the core's 400 to name. */
export const mailingTestSendRequest = z.strictObject({
  to: z.optional(z.array(z.string().check(z.maxLength(254)))),
});

/** Announcing a meeting: no body, `{}`, or a subject or preheader instead of the prefilled one. */
export const announceMeetingRequest = z.pipe(
  z.strictObject({
    subject: z.optional(z.string()),
    preheader: z.optional(z.string()),
  }),
  z.transform(
    (input): AnnouncementOverrides => ({
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      ...(input.preheader !== undefined ? { preheader: input.preheader } : {}),
    }),
  ),
);

/** `…/schedule`: when, as RFC 3339 with an explicit offset. */
export const scheduleMailingRequest = z.strictObject({ at: instant });

/** The actions of `POST /api/organiser/mailings/{id}/<action>`, from the route's last segment. */
export const mailingActions = [
  'send',
  'schedule',
  'unschedule',
  'pause',
  'resume',
  'cancel',
  'retry-failed',
] as const;
export type MailingAction = (typeof mailingActions)[number];
