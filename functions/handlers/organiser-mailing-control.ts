import { sendingControl } from '../composition/mailing-control';
import { mailingProgress } from '../composition/mailing-progress';
import { NotFound } from '../core/errors';
import {
  cancelMailingNow,
  pauseMailingNow,
  resumeMailingNow,
  retryFailedRecipients,
  scheduleMailingAt,
  sendMailingNow,
  unscheduleMailingNow,
} from '../core/mailings/sending-control';
import { organiserRoute } from './http/organiser-route';
import { parseJsonBody } from './http/request';
import { json } from './http/respond';
import { type MailingAction, mailingActions, scheduleMailingRequest } from './inputs/mailings';
import { mailingEtag, mailingView } from './views/mailings';

/**
 * `POST /api/organiser/mailings/{id}/<action>`: send now, schedule (`{ "at": … }`), unschedule, pause,
 * resume, cancel, retry-failed. One status move each (core/mailings/sending-control.ts); a move the status
 * does not allow is a 409 that names the status. Answers the mailing as GET does.
 */
export const handler = organiserRoute(async (event) => {
  const action = event.routeKey.split('/').at(-1) as MailingAction;
  if (!mailingActions.includes(action)) throw new NotFound('Deze actie bestaat niet.');
  const id = event.pathParameters?.id ?? '';
  const ports = sendingControl();
  const stored =
    action === 'schedule'
      ? await scheduleMailingAt(ports, id, new Date(parseJsonBody(event, scheduleMailingRequest).at))
      : await {
          send: sendMailingNow,
          unschedule: unscheduleMailingNow,
          pause: pauseMailingNow,
          resume: resumeMailingNow,
          cancel: cancelMailingNow,
          'retry-failed': retryFailedRecipients,
        }[action](ports, id);
  return json(200, mailingView(stored, await mailingProgress().get(id)), {
    etag: mailingEtag(stored.mailing),
  });
});
