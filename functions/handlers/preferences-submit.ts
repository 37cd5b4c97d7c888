import { subscriptions } from '../composition/subscriptions';
import { loadPreferences, unsubscribe, updatePreferences } from '../core/subscriptions/use-cases';
import { renderPreferences, renderUnsubscribed } from '../web/pages/newsletter';
import { httpRoute } from './http/edge';
import { fieldIssues, linkToken, parseFormBody } from './http/request';
import { page } from './http/respond';
import { tokenPageHeaders } from './http/security-headers';
import { preferencesForm } from './inputs/subscriptions';

/** Saves topics and name, or unsubscribes (the second button on the preferences page). */
export const handler = httpRoute(async (event) => {
  const form = await parseFormBody(event);
  const ports = await subscriptions();
  const { id } = await ports.tokens.verify(linkToken(event), 'manage-preferences');
  if (form.get('action') === 'unsubscribe') {
    await unsubscribe(ports, id);
    return page(200, renderUnsubscribed(), tokenPageHeaders);
  }
  const parsed = preferencesForm.safeParse({ name: form.get('name') ?? '', topics: form.getAll('topics') });
  if (!parsed.success) {
    const { email } = await loadPreferences(ports, id);
    const view = { email, name: form.get('name') ?? '', topics: form.getAll('topics') };
    return page(400, renderPreferences(view, { issues: fieldIssues(parsed.error) }), tokenPageHeaders);
  }
  const saved = await updatePreferences(ports, id, parsed.data);
  const view = { email: saved.email, name: saved.name ?? '', topics: saved.topics };
  return page(200, renderPreferences(view, { saved: true }), tokenPageHeaders);
});
