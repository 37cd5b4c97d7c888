import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMail } from '../../local/engines/ses-emulator';
import { createMeeting, jsonRequest, publishMeeting, registerAsOrganiser } from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

/** The invite a mail carries, parsed by a real iCalendar parser; undefined when it carries none. */
const inviteOf = (mail: StoredMail) => {
  const [attachment] = mail.attachments;
  if (!attachment) return undefined;
  const calendar = new ICAL.Component(ICAL.parse(Buffer.from(attachment.content, 'base64').toString('utf8')));
  const event = calendar.getFirstSubcomponent('vevent');
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    sequence: Number(event?.getFirstPropertyValue('sequence')),
    uid: String(event?.getFirstPropertyValue('uid')),
    location: String(event?.getFirstPropertyValue('location')),
  };
};

const mailsTo = async (address: string, count: number) => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = await system.mailbox.to(address);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('calendar updates follow the meeting and the registration', () => {
  it('a move raises SEQUENCE for confirmed people; cancellations send CANCEL with a higher one; waiting people get no invite', async () => {
    const { id } = await createMeeting(system, { venueAddress: 'Stationsplein 1', capacity: 1 });
    await publishMeeting(system, id);
    const seated = `zit-${Date.now()}@example.org`;
    const waiting = `wacht-${Date.now()}@example.org`;
    for (const [name, email] of [
      ['Zit', seated],
      ['Wacht', waiting],
    ]) {
      await registerAsOrganiser(system, id, {
        name,
        email,
        organisation: 'SWN',
        role: 'manager',
        municipality: 'Eindhoven',
      });
    }
    const [confirmation] = await mailsTo(seated, 1);
    const [waitingMail] = await mailsTo(waiting, 1);
    const first = confirmation && inviteOf(confirmation);
    expect(first).toMatchObject({ method: 'REQUEST', location: 'Stationsplein 1, Eindhoven' });
    expect(waitingMail && inviteOf(waitingMail)).toBeUndefined();

    const etag = (await system.fetchAsOrganiser(`/api/organiser/meetings/${id}`)).headers.get('etag') ?? '';
    const moved = await system.fetchAsOrganiser(
      `/api/organiser/meetings/${id}`,
      jsonRequest('PATCH', { venueAddress: 'Klokgebouw 50' }, { 'if-match': etag }),
    );
    expect(moved.status).toBe(200);
    const update = (await mailsTo(seated, 2))[1];
    const updated = update && inviteOf(update);
    expect(updated).toMatchObject({
      method: 'REQUEST',
      uid: first?.uid,
      location: 'Klokgebouw 50, Eindhoven',
    });
    expect(updated?.sequence).toBeGreaterThan(first?.sequence ?? Number.POSITIVE_INFINITY);

    await system.fetchAsOrganiser(`/api/organiser/meetings/${id}/cancel`, { method: 'POST' });
    const cancellation = (await mailsTo(seated, 3))[2];
    const cancelled = cancellation && inviteOf(cancellation);
    expect(cancelled).toMatchObject({ method: 'CANCEL', uid: first?.uid });
    expect(cancelled?.sequence).toBeGreaterThan(updated?.sequence ?? Number.POSITIVE_INFINITY);
    const waitingCancellation = (await mailsTo(waiting, 2))[1];
    expect(waitingCancellation?.subject).toMatch(/Geannuleerd/);
    expect(waitingCancellation && inviteOf(waitingCancellation)).toBeUndefined();
    // Nobody waiting got the update: they had no calendar entry to move.
    expect(await system.mailbox.to(waiting)).toHaveLength(2);
  });
});
