import { mailingTestSend } from '../composition/mailing-test-send';
import { testSendMailing } from '../core/mailings/review';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { mailingTestSendRequest } from './inputs/mailings';
import { mailingEtag, mailingView } from './views/mailings';

/** Sends the mailing now, marked `[Test]`, to 1–5 addresses (default: the caller's), and records it. */
export const handler = organiserRoute(async (event) => {
  // No body at all is the same as `{}`: a test-send to the caller's own address.
  const { to } = event.body ? parseJsonBody(event, mailingTestSendRequest) : {};
  const stored = await testSendMailing(
    await mailingTestSend(),
    event.pathParameters?.id ?? '',
    organiserOf(event),
    to,
  );
  return json(200, mailingView(stored), { etag: mailingEtag(stored.mailing) });
});
