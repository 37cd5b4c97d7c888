import { testMail } from '../composition/mail';
import type { TestMailSentBody } from '../contract/schemas/mailings';
import { sendTestMail } from '../core/mailings/test-mail';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { testMailRequest } from './inputs/test-mail';

export const handler = organiserRoute(async (event) => {
  const input = parseJsonBody(event, testMailRequest);
  const organiser = organiserOf(event);
  const sent = await sendTestMail(await testMail(), organiser, input);
  return json(202, { status: 'sent', messageId: sent.messageId } satisfies TestMailSentBody);
});
