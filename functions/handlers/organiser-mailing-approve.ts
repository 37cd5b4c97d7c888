import { mailingStore } from '../composition/mailing-store';
import { clock } from '../composition/process';
import { approveMailingVersion } from '../core/mailings/review';
import { organiserRoute } from './http/organiser-route';
import { ifMatchVersion, organiserOf } from './http/request';
import { json } from './http/respond';
import { mailingEtag, mailingView } from './views/mailings';

/** A second organiser approves the version they saw (If-Match required); the author gets a 403. */
export const handler = organiserRoute(async (event) => {
  const version = ifMatchVersion(event, { required: true }) ?? -1;
  const stored = await approveMailingVersion(
    { store: mailingStore(), clock },
    event.pathParameters?.id ?? '',
    version,
    organiserOf(event),
  );
  return json(200, mailingView(stored), { etag: mailingEtag(stored.mailing) });
});
