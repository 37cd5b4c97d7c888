/**
 * How registering behaves under a rush, in its two steps: N people ask to register at once (the request,
 * which holds nothing), then all N confirm at once from their mail (which takes the seats and the waiting
 * places) for a meeting with fewer seats, against DynamoDB Local, through the real use cases and store (the
 * HTTP layer adds a constant per request). Prints each step's wall time and latency percentiles, the
 * confirmation's as a ratio to the request's (measured in the same run), and the outcome, which must never
 * oversell and must number the queue 1..waiting with every stated place equal to the stored one.
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
import {
  confirmRegistration,
  pendingKey,
  requestRegistration,
} from '../functions/core/meetings/registration-requests';
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

  const timed = async <T>(work: (i: number) => Promise<T>) => {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: people }, async (_, i) => {
        const begin = performance.now();
        const result = await work(i);
        return { result, ms: performance.now() - begin };
      }),
    );
    const wall = performance.now() - started;
    return { results, wall, latencies: results.map((r) => r.ms).sort((x, y) => x - y) };
  };
  const requests = await timed((i) =>
    requestRegistration(ports, 'bench', { email: `p${i}@example.org`, name: `P ${i}`, answers: {} }),
  );
  const confirmations = await timed((i) =>
    confirmRegistration(ports, pendingKey('bench', ports.personIds.of(`p${i}@example.org`))),
  );
  const stored = await store.getMeeting('bench');
  const outcomes = confirmations.results.map((r) => r.result);
  const stated = outcomes.filter((o) => o.status === 'waiting').map((o) => o.position ?? 0);
  const storedPlaces = await Promise.all(
    outcomes
      .filter((o) => o.status === 'waiting')
      .map((o) => store.waitingPosition('bench', o.registration.waitingKey ?? '')),
  );
  const line = (label: string, step: { wall: number; latencies: number[] }) =>
    console.log(
      `  ${label.padEnd(18)} wall ${step.wall.toFixed(0)} ms (${((people / step.wall) * 1000).toFixed(0)}/s), p50 ${percentile(step.latencies, 50).toFixed(0)} ms, p95 ${percentile(step.latencies, 95).toFixed(0)} ms, max ${step.latencies.at(-1)?.toFixed(0)} ms`,
    );
  console.log(`registration race: ${people} people, ${seats} seats, DynamoDB Local, one process`);
  line('1. requests', requests);
  line('2. confirmations', confirmations);
  console.log(
    `  confirm ÷ request  wall ${(confirmations.wall / requests.wall).toFixed(2)}×, p50 ${(percentile(confirmations.latencies, 50) / percentile(requests.latencies, 50)).toFixed(2)}×, p95 ${(percentile(confirmations.latencies, 95) / percentile(requests.latencies, 95)).toFixed(2)}×`,
  );
  console.log(
    `  outcome            ${outcomes.filter((o) => o.status === 'confirmed').length} confirmed, ${stated.length} waiting; counters confirmed ${stored?.confirmedCount}, waiting ${stored?.waitingCount}`,
  );
  const numbered = [...stated].sort((x, y) => x - y).every((place, i) => place === i + 1);
  const asStored = stated.every((place, i) => place === storedPlaces[i]);
  console.log(
    `  queue              places 1..${stated.length} ${numbered ? 'each once' : 'NOT each once'}; stated = stored: ${asStored ? 'yes' : 'NO'}`,
  );
} finally {
  client.destroy();
  await engine.stop();
}
