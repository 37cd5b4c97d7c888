import * as z from 'zod/mini';
import { testMail } from '../composition/mail';
import { sendTestMail } from '../core/mailings/test-mail';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';

const testMailRequest = z.strictObject({
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

export const handler = organiserRoute(async (event) => {
  const input = parseJsonBody(event, testMailRequest);
  const organiser = organiserOf(event);
  const sent = await sendTestMail(await testMail(), organiser, input);
  return json(202, { status: 'sent', messageId: sent.messageId });
});
