import { meetingCatalogue } from '../composition/meeting-catalogue';
import { registrations } from '../composition/meeting-registrations';
import { InvalidInput } from '../core/errors';
import { publicMeetingAt } from '../core/meetings/catalogue';
import { registerOrRequest } from '../core/meetings/registration-requests';
import { renderMeetingPage, renderRegistrationRequested } from '../web/pages/meetings';
import { httpRoute, mapError } from './http/edge';
import { fieldIssues, parseFormBody } from './http/request';
import { page } from './http/respond';
import { registrationFormValues, registrationRequest, toRegistrationRequest } from './inputs/registrations';
import { invitedPersonId, registrationOutcomePage } from './views/registrations';

/** "Check je mail" for every address, or in one step from an invitation; bad or contended: values kept. */
export const handler = httpRoute(async (event) => {
  const form = await parseFormBody(event);
  const ports = await registrations();
  // The form posts to the page's address: the slug, or the id.
  const meeting = await publicMeetingAt(meetingCatalogue(), event.pathParameters?.id ?? '');
  const now = ports.clock.now();
  const values = registrationFormValues(form);
  const invitation = form.get('uitnodiging') ?? undefined;
  if (form.get('website')) return page(200, renderRegistrationRequested(meeting)); // a bot: nothing stored
  const parsed = registrationRequest.safeParse(values);
  const state = { values, now, ...(invitation ? { invitation } : {}) };
  if (!parsed.success)
    return page(400, renderMeetingPage(meeting, { ...state, issues: fieldIssues(parsed.error) }));
  try {
    const invited = await invitedPersonId(invitation, meeting.meetingId);
    const request = toRegistrationRequest(parsed.data);
    const taken = await registerOrRequest(ports, meeting.meetingId, request, invited);
    const html = taken && (await registrationOutcomePage(meeting, taken, now));
    return page(200, html || renderRegistrationRequested(meeting));
  } catch (error) {
    // Bad input, or contention that outlasted every retry (503, Retry-After, as the edge maps it): the form
    // again with what was typed. Anything else is the edge's.
    const mapped = mapError(error);
    if (!(error instanceof InvalidInput) && mapped.status !== 503) throw error;
    const issues = mapped.issues ?? [{ field: 'form', message: mapped.message }];
    return page(mapped.status, renderMeetingPage(meeting, { ...state, issues }), mapped.headers);
  }
});
