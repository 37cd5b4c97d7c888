import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.ts';

/** DynamoDB Local and the SES emulator for the projects that talk to real engines: one pair per project run. */
const engines = ['test/support/global-setup.ts'];
/** Says once per run that the feed tests skip, when Debian's feedparser is missing. */
const feedNotice = 'test/support/feedparser-setup.ts';
/** The registration race (see its project below). */
const raceFile = 'test/integration/meeting-race.test.ts';

export default defineConfig({
  test: {
    // Each file in its own child process with fresh modules: handlers read their configuration at import,
    // so every integration file configures its own (table, base URL, secret).
    pool: 'forks',
    isolate: true,
    // Two cores: two files at a time; the JVM of DynamoDB Local takes its share as well.
    maxWorkers: 2,
    // The longest files first in each group, so the two workers end together (test/support/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        // With the race (group 1): the CPU-only files fill the core the race leaves free.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          globalSetup: [feedNotice],
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/local/**/*.test.ts'],
          exclude: [raceFile],
          globalSetup: [...engines, feedNotice],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        // After the projects that use the engines, beside the unit and infra files only: 240 requests racing
        // for one meeting measure contention in the table, and an engine-using file beside it (an `npm start`,
        // a mailing at full rate) would turn that into timeouts. Alone, it left one of the two cores idle
        // for a minute.
        test: {
          name: 'race',
          include: [raceFile],
          globalSetup: engines,
          testTimeout: 20_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // The files share their worker's modules: aws-cdk-lib is imported once per worker, not once per file
          // (isolated, its import made this project 138 s of a run; shared, 42 s). They build their own Apps
          // and set no environment, so nothing one file does reaches the next.
          isolate: false,
          // With the race (group 1), as the unit files.
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/browser-setup.ts', ...engines],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
