import { browserTestsEnabled, chromiumPath } from './browser';

/** Global setup of the e2e project: says once per run, not once per file, that browser tests skip. */
export default function announceBrowserTests(): void {
  if (!browserTestsEnabled) {
    console.log(
      `Browser tests skipped: no Chromium at ${chromiumPath} (install chromium or set CHROMIUM_PATH).`,
    );
  }
}
