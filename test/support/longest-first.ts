import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds the slowest files took in CI (`.ci/run` on two cores, on b3622b1). On a clean checkout vitest
 * has no timings of its own and starts files in the order it finds them, so a two-minute file found last
 * ran alone at the end while the other core idled. Only the order uses these: a file not listed is short
 * and follows, in vitest's own order. Refresh the list when a file grows past ten seconds.
 */
const ciSeconds: Readonly<Record<string, number>> = {
  'test/integration/mailing-send.test.ts': 112,
  'test/integration/meeting-race.test.ts': 79,
  'test/integration/outbox-relay.test.ts': 55,
  'test/local/start-reminders.test.ts': 52,
  'test/local/start-mailing.test.ts': 44,
  'test/infra/function-bundles.test.ts': 44,
  'test/local/start.test.ts': 41,
  'test/integration/public-post-limits-raised.test.ts': 37,
  'test/integration/mailing-feedback.test.ts': 36,
  'test/integration/subscriptions.test.ts': 34,
  'test/local/start-report.test.ts': 26,
  'test/local/cli.test.ts': 25,
  'test/integration/subscriber-import.test.ts': 25,
  'test/unit/composition.test.ts': 23,
  'test/e2e/subscription-journey.test.ts': 14,
  'test/e2e/meeting-registration.test.ts': 14,
  'test/integration/table-scheduler.test.ts': 12,
  'test/integration/report-requests.test.ts': 11,
  'test/local/fire-command.test.ts': 10,
  'test/e2e/home.test.ts': 10,
};

/**
 * Within each group (sequence.groupOrder), the longest files first, across projects: the two workers then
 * end close together (longest processing time first).
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const seconds = (spec: TestSpecification) =>
      ciSeconds[relative(spec.project.config.root, spec.moduleId).replaceAll('\\', '/')] ?? 0;
    // Array.prototype.sort is stable: files of equal weight keep vitest's order.
    return ordered.sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        seconds(b) - seconds(a),
    );
  }
}
