/**
 * How registering behaves under a rush: N people register at once for a meeting with fewer seats, against
 * DynamoDB Local, through the real use case and store (the HTTP layer adds a constant per request).
 * Prints wall time, per-registration latency percentiles, and the outcome (which must never oversell).
 *
 *   npm run bench -- [people=200] [seats=150]
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../functions/adapters/clock';
import { DynamoMeetingLifecycle } from '../functions/adapters/dynamo/meeting-lifecycle';
import { DynamoMeetingRegistrations } from '../functions/adapters/dynamo/meeting-registrations';
import { timeOrderedIds } from '../functions/adapters/ids';
import type { Meeting } from '../functions/core/meetings/model';
import { registerForMeeting } from '../functions/core/meetings/registration';
import { PersonIds } from '../functions/core/people/person-id';
import { localAwsSettings, startDynamoDbLocal } from '../local/engines/dynamodb-local';
import { findFreePort } from '../local/engines/ports';
import { ensureTable } from '../local/table';

const people = Number(process.argv[2] ?? 200);
const seats = Number(process.argv[3] ?? 150);
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const engine = await startDynamoDbLocal({ port: await findFreePort() });
const client = new DynamoDBClient({ ...localAwsSettings, endpoint: engine.endpoint });
try {
  await ensureTable(client, 'bench');
  const documents = DynamoDBDocumentClient.from(client);
  const store = new DynamoMeetingRegistrations(documents, 'bench');
  const now = Date.now();
  const meeting: Meeting = {
    meetingId: 'bench',
    title: 'Bench',
    description: '',
    city: 'Utrecht',
    venueAddress: 'Utrecht',
    startsAt: new Date(now + 10 * 86_400_000).toISOString(),
    endsAt: new Date(now + 10 * 86_400_000 + 3_600_000).toISOString(),
    capacity: seats,
    registrationOpensAt: new Date(now - 60_000).toISOString(),
    registrationClosesAt: new Date(now + 9 * 86_400_000).toISOString(),
    waitingListEnabled: true,
    reminderLeadHours: 48,
    questions: { organisation: false, role: false, municipality: false, needs: false },
    status: 'published',
    confirmedCount: 0,
    waitingCount: 0,
    createdAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
    publishedAt: new Date(now).toISOString(),
    version: 1,
    sequence: 0,
  };
  await new DynamoMeetingLifecycle(documents, 'bench').createMeeting(meeting);
  const ports = {
    store,
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
    personIds: new PersonIds('bench-secret-bench-secret-bench-secret-0123'),
  };

  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: people }, async (_, i) => {
      const begin = performance.now();
      const outcome = await registerForMeeting(ports, 'bench', {
        email: `p${i}@example.org`,
        name: `P ${i}`,
        answers: {},
      });
      return { outcome, ms: performance.now() - begin };
    }),
  );
  const wall = performance.now() - started;
  const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
  const stored = await store.getMeeting('bench');
  console.log(`registration race: ${people} people, ${seats} seats, DynamoDB Local, one process`);
  console.log(
    `  wall time          ${wall.toFixed(0)} ms (${((people / wall) * 1000).toFixed(0)} registrations/s)`,
  );
  console.log(
    `  latency            p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms`,
  );
  console.log(
    `  outcome            ${results.filter((r) => r.outcome.status === 'confirmed').length} confirmed, ${results.filter((r) => r.outcome.status === 'waiting').length} waiting`,
  );
  console.log(`  counters           confirmed ${stored?.confirmedCount}, waiting ${stored?.waitingCount}`);
} finally {
  client.destroy();
  await engine.stop();
}
