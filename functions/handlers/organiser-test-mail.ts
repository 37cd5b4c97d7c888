import { z } from 'zod';
import { app } from '../composition';
import { sendTestMail } from '../core/mailings/test-mail';
import { httpRoute } from './http/edge';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';

const testMailRequest = z.strictObject({
  subject: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\p{Cc}]*$/u, 'Het onderwerp mag geen regeleinden of stuurtekens bevatten.'),
  body: z.string().trim().min(1).max(10_000),
});

export const handler = httpRoute(async (event) => {
  const input = parseJsonBody(event, testMailRequest);
  const organiser = organiserOf(event);
  const sent = await sendTestMail(await app.testMail(), organiser, input);
  return json(202, { status: 'sent', messageId: sent.messageId });
});
