import { feedPython, feedTestsEnabled } from './feedparser';

/** Set in the main process by the first project's setup, so the line is printed once per run. */
const announced = Symbol.for('dropin.feedTestsAnnounced');

/**
 * Global setup of the projects with feed tests (unit, integration): says once per run, not once per file
 * or project, that the feed tests skip.
 */
export default function announceFeedTests(): void {
  const main = globalThis as { [announced]?: boolean };
  if (feedTestsEnabled || main[announced]) return;
  main[announced] = true;
  console.log(
    `Feed tests skipped: no python3-feedparser for ${feedPython} (apt-get install python3-feedparser).`,
  );
}
