import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../functions/paths';
import { mailHeader } from '../../local/engines/ses-emulator';
import { browserTestsEnabled, launchChromium } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/system';

describe.runIf(browserTestsEnabled)('subscribing through the form in Chromium', () => {
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

  it('shows the errors of an empty form and keeps what was typed', async () => {
    const page = await browser.newPage();
    await page.goto(`${system.baseUrl}${paths.newsletter}`);

    await page.fill('#name', 'Dilly Timmer');
    await page.uncheck('#topics-nieuwsbrief');
    await page.click('button[type=submit]');

    expect(await page.textContent('.error-summary')).toContain('Controleer het formulier');
    expect(await page.inputValue('#name')).toBe('Dilly Timmer');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#topics-error')).toContain('minstens één onderwerp');
    await page.screenshot({ path: 'test-results/newsletter-errors.png', fullPage: true });
  });

  it('form → opt-in mail → confirm button → welcome mail → one-click unsubscribe', async () => {
    const email = `browser-${Date.now()}@example.org`;
    const page = await browser.newPage();
    await page.goto(`${system.baseUrl}${paths.newsletter}`);

    await page.fill('#email', email);
    await page.fill('#name', 'Dilly Timmer');
    await page.check('#topics-bijeenkomsten');
    await page.check('#consent-true');
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Kijk in je mail');

    const optIn = await system.mailbox.waitFor((m) => m.destination.to.includes(email), {
      timeoutMs: 10_000,
    });
    const confirmUrl = optIn.body.text?.match(/http:\/\/\S+\/nieuwsbrief\/bevestigen\?token=\S+/)?.[0] ?? '';
    await page.goto(confirmUrl);
    expect(await page.textContent('h1')).toBe('Bevestig je aanmelding');
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Je aanmelding is bevestigd');

    const welcome = await system.mailbox.waitFor(
      (m) => m.destination.to.includes(email) && /Welkom/.test(m.subject),
      {
        timeoutMs: 10_000,
      },
    );
    const unsubscribeUrl = new URL(mailHeader(welcome, 'List-Unsubscribe')?.replace(/^<|>$/g, '') ?? '');
    // A mail client's one-click POST: no cookies, no Origin.
    const oneClick = await system.fetch(`${unsubscribeUrl.pathname}${unsubscribeUrl.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);

    // The only subscriber of this file's table, listed without the address and name unsubscribing deleted.
    const list = await system.fetchAsOrganiser('/api/organiser/subscribers?status=unsubscribed');
    const { items } = (await list.json()) as { items: { email: string | null; name: string | null }[] };
    expect(items).toEqual([expect.objectContaining({ email: null, name: null, status: 'unsubscribed' })]);
  });
});
