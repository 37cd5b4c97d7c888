import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../functions/routes';
import { browserTestsEnabled, launchChromium } from '../support/browser';
import { startTestSystem, type TestSystem } from '../support/system';

describe.runIf(browserTestsEnabled)('the API docs in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('leads from /api to /api/docs: every route, its styles allowed by the CSP, no script', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });

    const response = await page.goto(`${system.baseUrl}/api`);

    expect(response?.url()).toBe(`${system.baseUrl}/api/docs`);
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    const headings = await page.locator('section.route h3').allTextContents();
    expect(headings.sort()).toEqual(routes.map(routeKey).sort());
    // Both style blocks are allowed by their hashes: the site's header colour and the docs' code blocks.
    expect(
      await page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor"),
    ).toBe('rgb(138, 28, 58)');
    expect(await page.evaluate("getComputedStyle(document.querySelector('.docs pre')).overflowX")).toBe(
      'auto',
    );
    expect(await page.locator('script').count()).toBe(0);
    expect(problems).toEqual([]);

    // The contents list leads to a route, with its role, fields and examples.
    await page.getByRole('link', { name: /POST \/api\/organiser\/meetings\/\{id\}\/cancel/ }).click();
    const section = page.locator('#organiserMeetingCancel');
    expect(await section.locator('.role').textContent()).toBe('Rol: organisers');
    expect(await section.textContent()).toContain('message');
    expect(await section.textContent()).toContain('Voorbeeld van een antwoord');
    expect(await page.locator('#organiserAudit .role').textContent()).toBe('Rol: admins');
  });
});
