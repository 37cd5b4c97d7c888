import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsEnabled, launchChromium } from '../support/browser';
import { jsonRequest } from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

describe.runIf(browserTestsEnabled)('the home page in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('shows the latest publications, newest first, and links to them', async () => {
    for (const [title, publishedOn] of [
      ['Jaarupdate 2025', '2026-01-30'],
      ['Tussentijdse resultaten Limburg', '2026-06-01'],
    ] as const) {
      const created = await system.fetchAsOrganiser(
        '/api/organiser/reports',
        jsonRequest('POST', {
          title,
          kind: 'jaarupdate',
          summary: 'Samenvatting.',
          body: 'Tekst.',
          publishedOn,
        }),
      );
      const { reportId } = (await created.json()) as { reportId: string };
      expect(
        (await system.fetchAsOrganiser(`/api/organiser/reports/${reportId}/publish`, { method: 'POST' }))
          .status,
      ).toBe(200);
    }
    const page = await browser.newPage();
    await page.goto(system.baseUrl);

    const titles = await page.locator('ul.reports h3 a').allTextContents();
    expect(titles.slice(0, 2)).toEqual(['Tussentijdse resultaten Limburg', 'Jaarupdate 2025']);
    await page.locator('ul.reports h3 a').first().click();
    expect(await page.textContent('h1')).toBe('Tussentijdse resultaten Limburg');
  });

  it('renders in Dutch with its styles, no CSP violation and a working skip link', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });

    const response = await page.goto(system.baseUrl);

    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    expect(await page.title()).toContain('Drop In');
    expect(await page.textContent('h1')).toBe('Drop In');
    // The inline stylesheet is allowed by its hash: the header gets the accent colour.
    expect(
      await page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor"),
    ).toBe('rgb(138, 28, 58)');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Direct naar de inhoud');
    expect(problems).toEqual([]);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/home.png', fullPage: true });
  });
});
