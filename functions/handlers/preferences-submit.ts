import { subscriptions } from '../composition/subscriptions';
import {
  optInToMeetingMailings,
  preferencesOf,
  unsubscribe,
  updatePreferences,
} from '../core/subscriptions/use-cases';
import { meetingMailingsField, renderPreferences, renderUnsubscribed } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { fieldIssues, linkToken, parseFormBody } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';
import { preferencesForm } from './inputs/subscriptions';

/**
 * Saves topics and name (and, when ticked, turns organiser mailings to meeting audiences back on), or
 * unsubscribes (the second button on the preferences page).
 */
export const handler = httpRoute(async (event) => {
  const form = await parseFormBody(event);
  const ports = await subscriptions();
  const { id } = await ports.tokens.verify(linkToken(event), 'manage-preferences');
  if (form.get('action') === 'unsubscribe') {
    await unsubscribe(ports, id);
    return page(200, renderUnsubscribed(), tokenPageHeaders);
  }
  const parsed = preferencesForm.safeParse({ name: form.get('name') ?? '', topics: form.getAll('topics') });
  const meetingMailingsBack = form.get(meetingMailingsField) === 'on';
  if (!parsed.success) {
    const { subscription, meetingMailingsOptOutAt } = await preferencesOf(ports, id);
    const view = {
      email: subscription.email,
      name: form.get('name') ?? '',
      topics: form.getAll('topics'),
      meetingMailingsOff: meetingMailingsOptOutAt !== undefined,
      meetingMailingsTicked: meetingMailingsBack,
    };
    return page(400, renderPreferences(view, { issues: fieldIssues(parsed.error) }), tokenPageHeaders);
  }
  await updatePreferences(ports, id, parsed.data);
  if (meetingMailingsBack) await optInToMeetingMailings(ports, id);
  const { subscription: saved, meetingMailingsOptOutAt } = await preferencesOf(ports, id);
  const view = {
    email: saved.email,
    name: saved.name ?? '',
    topics: saved.topics,
    meetingMailingsOff: meetingMailingsOptOutAt !== undefined,
  };
  return page(200, renderPreferences(view, { saved: true }), tokenPageHeaders);
});
