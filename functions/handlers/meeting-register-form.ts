import { registrations } from '../composition/meeting-registrations';
import { InvalidInput } from '../core/errors';
import { publicMeeting } from '../core/meetings/catalogue';
import { registerForMeeting } from '../core/meetings/registration';
import { type MeetingFormValues, renderMeetingPage, renderRegistered } from '../web/pages/meetings';
import { httpRoute } from './http/edge';
import { fieldIssues, parseFormBody } from './http/request';
import { page } from './http/respond';
import { registrationRequest, toRegistrationRequest } from './inputs/registrations';

const formValues = (form: URLSearchParams): MeetingFormValues => ({
  name: form.get('name') ?? '',
  email: form.get('email') ?? '',
  organisation: form.get('organisation') ?? '',
  role: form.get('role') ?? '',
  municipality: form.get('municipality') ?? '',
  dietary: form.get('dietary') ?? '',
  accessibility: form.get('accessibility') ?? '',
});

/** The form on /bijeenkomsten/{id}. An invalid form comes back with its messages and the values kept. */
export const handler = httpRoute(async (event) => {
  const form = await parseFormBody(event);
  const ports = await registrations();
  const meeting = await publicMeeting(ports.store, event.pathParameters?.id ?? '');
  const now = ports.clock.now();
  const values = formValues(form);
  if (form.get('website')) return page(200, renderRegistered({ meeting, status: 'confirmed' }));
  const parsed = registrationRequest.safeParse(values);
  if (!parsed.success) {
    return page(400, renderMeetingPage(meeting, { values, issues: fieldIssues(parsed.error), now }));
  }
  try {
    const outcome = await registerForMeeting(ports, meeting.meetingId, toRegistrationRequest(parsed.data));
    return page(200, renderRegistered({ meeting, ...outcome }));
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    return page(400, renderMeetingPage(meeting, { values, issues: error.issues, now }));
  }
});
