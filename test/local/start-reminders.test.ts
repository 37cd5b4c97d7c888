import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Mailbox } from '../../local/engines/ses-emulator';
import { cleanUpStarts, freshSettings, npmStart, siteAnswers, stopWithSigterm } from '../support/npm-start';

afterEach(cleanUpStarts);

const hour = 3_600_000;
/** How far ahead the reminder falls due: enough for a registration and a stop, short enough to wait for. */
const reminderDueInMs = 35_000;

describe('npm start and the reminders', () => {
  it('sends a published meeting’s reminder to the mailbox at its time by itself, across a restart', async () => {
    const settings = await freshSettings();
    const site = `http://127.0.0.1:${settings.sitePort}`;
    const mailbox = new Mailbox(`http://127.0.0.1:${settings.sesPort}`);
    const first = npmStart(settings);
    await siteAnswers(first, settings.sitePort, 60_000);
    const organiser = {
      authorization: `Bearer ${readFileSync(join(settings.dataDir, 'organiser.jwt'), 'utf8').trim()}`,
      'content-type': 'application/json',
    };

    // A meeting whose reminder (one hour before the start) falls due in `reminderDueInMs`.
    const dueAt = Date.now() + reminderDueInMs;
    const startsAt = new Date(dueAt + hour);
    const created = await fetch(`${site}/api/organiser/meetings`, {
      method: 'POST',
      headers: organiser,
      body: JSON.stringify({
        title: 'Kennisnetwerk Eindhoven: de online leefwereld van jongeren',
        city: 'Eindhoven',
        venueAddress: 'Stationsplein 1, Eindhoven',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3 * hour).toISOString(),
        capacity: 20,
        reminderLeadHours: 1,
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const published = await fetch(`${site}/api/organiser/meetings/${id}/publish`, {
      method: 'POST',
      headers: organiser,
    });
    expect(published.status).toBe(200);
    const email = `herinnering-${Date.now()}@example.org`;
    // Registered by the organiser, so the only mail is the confirmation with the invite (no confirm link first).
    const registered = await fetch(`${site}/api/organiser/meetings/${id}/registrations`, {
      method: 'POST',
      headers: organiser,
      body: JSON.stringify({
        name: 'Sanne Jansen',
        email,
        organisation: 'Jongerenwerk Eindhoven',
        role: 'jongerenwerker',
        municipality: 'Eindhoven',
      }),
    });
    expect(await registered.json()).toMatchObject({ status: 'confirmed' });
    const confirmation = await mailbox.waitFor((mail) => mail.destination.to.includes(email), {
      timeoutMs: 15_000,
    });

    // Stopped before the reminder is due: only the confirmation went out.
    expect(Date.now()).toBeLessThan(dueAt - 5_000);
    expect((await mailbox.to(email)).map((mail) => mail.subject)).toEqual([confirmation.subject]);
    await stopWithSigterm(first, settings);

    // Started again (the mailbox is the journal in the data folder: it keeps the confirmation): nobody fires
    // anything, the reminder arrives.
    const second = npmStart(settings);
    await siteAnswers(second, settings.sitePort, 60_000);
    const reminder = await mailbox.waitFor(
      (mail) => mail.destination.to.includes(email) && mail.subject !== confirmation.subject,
      { timeoutMs: Math.max(0, dueAt - Date.now()) + 20_000 },
    );

    expect(Date.now()).toBeGreaterThanOrEqual(dueAt);
    expect(reminder.subject).toMatch(/herinnering/i);
    expect((await mailbox.to(email)).map((mail) => mail.subject)).toEqual([
      confirmation.subject,
      reminder.subject,
    ]);
    expect(`${first.output()}${second.output()}`).not.toMatch(/Scheduler: .*failed|\n\s+at /);
    await stopWithSigterm(second, settings);
  }, 150_000);
});
