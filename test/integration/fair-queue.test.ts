import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMeetingRegistrations } from '../../functions/adapters/dynamo/meeting-registrations';
import { timeOrderedIds } from '../../functions/adapters/ids';
import type { RegistrationChange } from '../../functions/core/meetings/ports';
import { registerForMeeting } from '../../functions/core/meetings/registration';
import { PersonIds } from '../../functions/core/people/person-id';
import { FixedClock } from '../support/in-memory-ports';
import {
  confirmLinksFor,
  confirmRegistrationAt,
  jsonRequest,
  publishedOpenMeeting,
  registerAsOrganiser,
  registrationsExport,
} from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  // Hundreds of posts from one client (127.0.0.1) in a minute: this file is about the queue, not about the
  // limits on public POSTs, so it sets them well above what it sends.
  system = await startTestSystem({
    publicPostLimits: { perClientPerMinute: 1_000, perTokenPerMinute: 1_000 },
  });
});
afterAll(() => system?.stop());

const publishedMeeting = (capacity: number) => publishedOpenMeeting(system, capacity);
const registrationsOf = (meetingId: string) => registrationsExport(system, meetingId);

/**
 * The fair queue (docs/architecture.md, "Registering"): a capacity raise promotes the people waiting before
 * any newcomer, also when the process that would finish it dies; and the place a joiner is told is the place
 * it holds. Smaller races than meeting-race.test.ts, so they run beside the other integration files.
 */
describe('the fair queue, through the HTTP layer', () => {
  it('100 waiting, the capacity raised by 50 while 50 newcomers confirm: the first 50 waiting get the seats, also when the process dies right after the raise', async () => {
    const meetingId = await publishedMeeting(10);
    const stamp = Date.now();
    const seated = Array.from({ length: 10 }, (_, i) => `zit-${i}-${stamp}@example.org`);
    const queue = Array.from({ length: 100 }, (_, i) => `rij-${i}-${stamp}@example.org`);
    const newcomers = Array.from({ length: 50 }, (_, i) => `nieuw-${i}-${stamp}@example.org`);
    // Seats and the queue, one at a time so the queue's order is the order of `queue`.
    for (const email of [...seated, ...queue]) {
      await registerAsOrganiser(system, meetingId, { name: 'Deelnemer', email });
    }
    expect(await registrationsOf(meetingId)).toMatchObject({ confirmedCount: 10, waitingCount: 100 });
    await Promise.all(
      newcomers.map((email) =>
        system.fetch(
          `/api/meetings/${meetingId}/registrations`,
          jsonRequest('POST', { name: 'Nieuw', email }),
        ),
      ),
    );
    const newcomerLinks = await confirmLinksFor(system, newcomers);
    await system.outboxSettled();

    // The process that would deliver the raise's job dies: the relay and the sweeper are down.
    await system.outboxRelay.stop();
    await system.outboxSweeper.stop();
    const url = `/api/organiser/meetings/${meetingId}`;
    const etag = (await system.fetchAsOrganiser(url)).headers.get('etag') ?? '';
    const [raised, ...pages] = await Promise.all([
      system.fetchAsOrganiser(url, jsonRequest('PATCH', { capacity: 60 }, { 'if-match': etag })),
      ...newcomerLinks.map((path) => confirmRegistrationAt(system, path)),
    ]);
    expect(raised?.status).toBe(200);
    // No newcomer took a seat: with people waiting, a seat is theirs.
    expect(pages.map((page) => page.status)).toEqual(newcomers.map(() => 'waiting'));
    const halfway = await registrationsOf(meetingId);
    expect(halfway.confirmedCount).toBeLessThan(60);

    // Restarted: the job written with the raise promotes the rest.
    await system.outboxRelay.start();
    await system.outboxSweeper.start();
    await system.outboxSettled(60_000);
    const after = await registrationsOf(meetingId);
    expect(after).toMatchObject({ confirmedCount: 60, waitingCount: 100 });
    const statusOf = new Map(after.registrations.map((r) => [r.email, r]));
    expect(queue.slice(0, 50).map((email) => statusOf.get(email)?.status)).toEqual(
      queue.slice(0, 50).map(() => 'confirmed'),
    );
    expect(queue.slice(50).map((email) => statusOf.get(email)?.waitingPosition)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(newcomers.every((email) => statusOf.get(email)?.status === 'waiting')).toBe(true);
    expect(
      newcomers.map((email) => statusOf.get(email)?.waitingPosition).sort((a, b) => (a ?? 0) - (b ?? 0)),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i + 51));
  }, 240_000);
});

/**
 * The queue as it was before tickets: a waiting place keyed by an id made before the commit, and no pin on
 * the last ticket, so the order of the places is the order of the reads, not of the commits.
 */
class UnpinnedQueueStore extends DynamoMeetingRegistrations {
  constructor(
    documents: TestSystem['documentClient'],
    tableName: string,
    private readonly ids: { next(): string },
  ) {
    super(documents, tableName);
  }

  override async commitRegistration(change: RegistrationChange): Promise<void> {
    if (change.next.status !== 'waiting') return super.commitRegistration(change);
    const waitingKey = this.ids.next();
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20)); // a request's time in between
    const stored = await this.getMeeting(change.meeting.meetingId);
    const meeting = {
      ...change.meeting,
      ...(stored?.waitingTicket ? { waitingTicket: stored.waitingTicket } : {}),
    };
    return super.commitRegistration({ ...change, meeting, next: { ...change.next, waitingKey } });
  }
}

describe('the negative control of the queue order', () => {
  const joinAtOnce = async (store: DynamoMeetingRegistrations, label: string) => {
    const meetingId = await publishedMeeting(1);
    const clock = new FixedClock(new Date());
    const ports = {
      store,
      clock,
      ids: timeOrderedIds(clock),
      personIds: new PersonIds('negative-control-secret-negative-control-secret'),
    };
    await registerForMeeting(ports, meetingId, {
      email: `${label}-zit@example.org`,
      name: 'Zit',
      answers: {},
    });
    const outcomes = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        registerForMeeting(ports, meetingId, {
          email: `${label}-${i}@example.org`,
          name: `Wacht ${i}`,
          answers: {},
        }),
      ),
    );
    const storedPlaces = await Promise.all(
      outcomes.map((outcome) => store.waitingPosition(meetingId, outcome.registration.waitingKey ?? '')),
    );
    return outcomes.filter((outcome, i) => outcome.position !== storedPlaces[i]).length;
  };

  it('tickets tell each joiner the place it holds; places keyed before the commit tell some a place they do not hold', async () => {
    const clock = new FixedClock(new Date());
    const real = await joinAtOnce(
      new DynamoMeetingRegistrations(system.documentClient, system.tableName),
      'ticket',
    );
    const unpinned = await joinAtOnce(
      new UnpinnedQueueStore(system.documentClient, system.tableName, timeOrderedIds(clock)),
      'unpinned',
    );

    expect(real).toBe(0);
    expect(unpinned).toBeGreaterThan(0);
  }, 120_000);
});
