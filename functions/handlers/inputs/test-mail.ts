import * as z from 'zod/mini';

/** `POST /api/organiser/test-mail`: a loose test mail to the organiser's own address. */
export const testMailRequest = z.strictObject({
  subject: z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(200),
      z.regex(/^[^\p{Cc}]*$/u, 'Het onderwerp mag geen regeleinden of stuurtekens bevatten.'),
    ),
  body: z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000)),
});
