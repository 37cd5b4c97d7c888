import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../functions/paths';
import { browserTestsEnabled, launchChromium } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/system';

describe.runIf(browserTestsEnabled)('registering for a meeting in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('list → meeting → form → confirm link from the mail → registered; the cancel link frees the seat', async () => {
    const startsAt = new Date(Date.now() + 14 * 86_400_000);
    const created = await system.fetchAsOrganiser('/api/organiser/meetings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Kennisnetwerk Groningen: uitwisseling met HALT',
        description: 'Een middag uitwisseling met HALT over vroegsignalering.',
        city: 'Groningen',
        venueAddress: 'Grote Markt 1, Groningen',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
        capacity: 60,
      }),
    });
    const { id } = (await created.json()) as { id: string };
    await system.fetchAsOrganiser(`/api/organiser/meetings/${id}/publish`, { method: 'POST' });
    const email = `deelnemer-${Date.now()}@example.org`;
    const page = await browser.newPage();

    await page.goto(`${system.baseUrl}${paths.meetings}`);
    await page.click('text=Kennisnetwerk Groningen');
    expect(await page.textContent('h1')).toBe('Kennisnetwerk Groningen: uitwisseling met HALT');
    await page.fill('#name', 'Dilly Timmer');
    await page.fill('#email', email);
    await page.fill('#organisation', 'Sociaal Werk Nederland');
    await page.check('#role-beleidsmedewerker');
    await page.fill('#municipality', 'Utrecht');
    await page.fill('#dietary', 'Vegetarisch');
    await page.screenshot({ path: 'test-results/meeting-form.png', fullPage: true });
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Check je mail');
    expect(await (await system.fetchAsOrganiser(`/api/organiser/meetings/${id}`)).json()).toMatchObject({
      confirmedCount: 0,
    });

    // The confirm link opens a page; only its button registers.
    const request = await system.mailbox.waitFor(
      (m) => m.destination.to.includes(email) && m.subject.startsWith('Bevestig je aanmelding'),
      { timeoutMs: 10_000 },
    );
    const confirmUrl =
      request.body.text?.match(/http:\/\/\S+\/bijeenkomsten\/aanmelding\/bevestigen\?token=\S+/)?.[0] ?? '';
    await page.goto(confirmUrl);
    expect(await page.textContent('h1')).toBe('Bevestig je aanmelding');
    await page.screenshot({ path: 'test-results/meeting-confirm.png', fullPage: true });
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Je bent aangemeld');

    const mail = await system.mailbox.waitFor(
      (m) => m.destination.to.includes(email) && m.subject.startsWith('Je bent aangemeld'),
      { timeoutMs: 10_000 },
    );
    const cancelUrl = mail.body.text?.match(/http:\/\/\S+\/bijeenkomsten\/afmelden\?token=\S+/)?.[0] ?? '';
    await page.goto(cancelUrl);
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toMatch(/afgemeld/i);
    const meeting = await system.fetchAsOrganiser(`/api/organiser/meetings/${id}`);
    expect(await meeting.json()).toMatchObject({ confirmedCount: 0 });
  });
});
