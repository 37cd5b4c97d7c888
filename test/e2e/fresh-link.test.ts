import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../functions/paths';
import { mailHeader } from '../../local/engines/ses-emulator';
import { browserTestsEnabled, launchChromium } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/system';

describe.runIf(browserTestsEnabled)('a link whose key was retired, in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'dropin-keyring-'));
    [system, browser] = await Promise.all([
      startTestSystem({ linkKeysFile: join(folder, 'link-keys.json') }),
      launchChromium(),
    ]);
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('opens a Dutch page that mails a fresh link to the preferences', async () => {
    const email = `oud-${Date.now()}@example.org`;
    await system.fetch('/api/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, topics: ['nieuwsbrief'], consent: true }),
    });
    const optIn = await system.mailbox.waitFor((m) => m.destination.to.includes(email));
    const confirm = new URL(
      optIn.body.text?.match(/http:\/\/\S+\/nieuwsbrief\/bevestigen\?token=\S+/)?.[0] ?? '',
    );
    await system.fetch(`${confirm.pathname}${confirm.search}`, { method: 'POST' });
    const welcome = await system.mailbox.waitFor(
      (m) => m.destination.to.includes(email) && /Welkom/.test(m.subject),
    );
    const oldLink = mailHeader(welcome, 'List-Unsubscribe')?.replace(/^<|>$/g, '') ?? '';
    const { fileKeyringStore, rotateKeyCommand } = await import('../../local/link-keys-command');
    const store = fileKeyringStore(join(folder, 'link-keys.json'));
    await rotateKeyCommand(store, { step: 'rotate' }, new Date(), true);
    await rotateKeyCommand(store, { step: 'retire', id: 'legacy', early: true }, new Date(), true);

    const page = await browser.newPage();
    const response = await page.goto(oldLink);
    expect(response?.status()).toBe(410);
    expect(await page.textContent('h1')).toBe('Vraag een nieuwe link aan');
    await page.click('button[type=submit]');
    expect(await page.textContent('.error-summary')).toContain('Controleer het formulier');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    await page.fill('#email', email);
    await page.screenshot({ path: 'test-results/fresh-link.png', fullPage: true });
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Kijk in je mail');

    const fresh = await system.mailbox.waitFor(
      (m) => m.destination.to.includes(email) && /nieuwe link/.test(m.subject),
    );
    const preferences =
      fresh.body.text?.match(new RegExp(`http://\\S+${paths.preferences}\\?token=\\S+`))?.[0] ?? '';
    await page.goto(preferences);
    expect(await page.textContent('h1')).toContain('voorkeuren');
  });
});
