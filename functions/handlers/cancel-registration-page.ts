import { cancellations } from '../composition/meeting-cancellations';
import { registrationForCancelLink } from '../core/meetings/cancellation';
import { renderCancelRegistrationPage, renderRegistrationCancelled } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { linkToken } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';

/** The page a cancel link opens: a button, never a cancellation on GET. */
export const handler = httpRoute(async (event) => {
  const { meeting, registration } = await registrationForCancelLink(await cancellations(), linkToken(event));
  const html =
    registration.status === 'cancelled'
      ? renderRegistrationCancelled(meeting)
      : renderCancelRegistrationPage(meeting);
  return page(200, html, tokenPageHeaders);
});
