import { meetingAnnouncements } from '../composition/mailings';
import type { CreatedMailingBody } from '../contract/schemas/mailings';
import { announceMeeting } from '../core/mailings/announcement';
import { organiserRoute } from './http/organiser-route';
import { organiserOf, parseJsonBody } from './http/request';
import { json } from './http/respond';
import { announceMeetingRequest } from './inputs/mailings';
import { mailingEtag, mailingView } from './views/mailings';

/** A draft mailing announcing a published meeting to the subscribers of `bijeenkomsten`, prefilled from it. */
export const handler = organiserRoute(async (event) => {
  // No body at all is the same as `{}`: the prefilled subject and preheader.
  const overrides = event.body ? parseJsonBody(event, announceMeetingRequest) : {};
  const stored = await announceMeeting(
    meetingAnnouncements(),
    event.pathParameters?.id ?? '',
    organiserOf(event),
    overrides,
  );
  return json(
    201,
    { mailingId: stored.mailing.mailingId, ...mailingView(stored) } satisfies CreatedMailingBody,
    {
      etag: mailingEtag(stored.mailing),
      location: `/api/organiser/mailings/${stored.mailing.mailingId}`,
    },
  );
});
