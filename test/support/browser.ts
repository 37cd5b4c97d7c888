import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests need Debian's Chromium. Without it they skip (browser-setup.ts prints the one line saying
 * so), except under CI=true, where they must run and fail loudly if Chromium is missing.
 */
export const browserTestsEnabled = existsSync(chromiumPath) || process.env.CI === 'true';

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Root in CI needs --no-sandbox; the machine has no network beyond loopback, so keep Chromium quiet.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
