import { defineConfig } from 'vitest/config';

/** DynamoDB Local and the SES emulator for the projects that talk to real engines: one pair per project run. */
const engines = ['test/support/global-setup.ts'];
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
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/local/**/*.test.ts'],
          exclude: [raceFile],
          globalSetup: engines,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        // After every other project, alone: 240 requests racing for one meeting measure contention in the
        // table, and a file beside it (an `npm start`, a mailing at full rate) would turn that into timeouts.
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
