import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMeetingRegistrations } from '../../functions/adapters/dynamo/meeting-registrations';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { timeOrderedIds } from '../../functions/adapters/ids';
import type { RegistrationChange } from '../../functions/core/meetings/ports';
import { registerForMeeting } from '../../functions/core/meetings/registration';
import { PersonIds } from '../../functions/core/people/person-id';
import type { StoredMail } from '../../local/engines/ses-emulator';
import { FixedClock } from '../support/in-memory-ports';
import {
  type ConfirmedRegistration,
  confirmLinksFor,
  confirmRegistrationAt,
  jsonRequest,
  publishedOpenMeeting,
  registrationsExport,
} from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  // 240 posts from one client (127.0.0.1) in a minute, 40 of them cancel links: this file is about the race,
  // not about the limits on public POSTs, so it sets them well above what it sends.
  system = await startTestSystem({
    publicPostLimits: { perClientPerMinute: 1_000, perTokenPerMinute: 1_000 },
  });
});
afterAll(() => system?.stop());

const publishedMeeting = (capacity: number) => publishedOpenMeeting(system, capacity);
const registrationsOf = (meetingId: string) => registrationsExport(system, meetingId);

/** Every mail to the run's addresses, grouped by recipient, once the relay has delivered everything. */
const mailsByRecipient = async (addresses: readonly string[], expectedTotal: number) => {
  const wanted = new Set(addresses);
  const deadline = Date.now() + 60_000;
  let mails: StoredMail[] = [];
  for (;;) {
    mails = (await system.mailbox.list()).filter((mail) => mail.destination.to.some((to) => wanted.has(to)));
    if (mails.length >= expectedTotal || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500)); // nothing more may come
  mails = (await system.mailbox.list()).filter((mail) => mail.destination.to.some((to) => wanted.has(to)));
  const byRecipient = new Map<string, string[]>();
  for (const mail of mails) {
    for (const to of mail.destination.to) byRecipient.set(to, [...(byRecipient.get(to) ?? []), mail.subject]);
  }
  return byRecipient;
};

describe('registering and cancelling under a race, through the HTTP layer', () => {
  it('200 requests, then 200 concurrent confirmations for 150 seats, then 40 cancellations: never overbooked, the queue in commit order, one mail each of the right kind', async () => {
    const meetingId = await publishedMeeting(150);
    const people = Array.from({ length: 200 }, (_, i) => `race-${i}-${Date.now()}@example.org`);

    // The requests: each answered 202, holding nothing; each gets its confirm link by mail.
    const requested = await Promise.all(
      people.map((email, i) =>
        system.fetch(
          `/api/meetings/${meetingId}/registrations`,
          jsonRequest('POST', { name: `Deelnemer ${i}`, email }),
        ),
      ),
    );
    expect(requested.map((response) => response.status)).toEqual(people.map(() => 202));
    expect(await registrationsOf(meetingId)).toMatchObject({
      confirmedCount: 0,
      waitingCount: 0,
      pendingCount: 200,
    });
    const confirmPaths = await confirmLinksFor(system, people);

    // The confirmations, all at once.
    const pages = await Promise.all(confirmPaths.map((path) => confirmRegistrationAt(system, path)));
    const answers = people.map((email, i) => ({ email, page: pages[i] as ConfirmedRegistration }));

    expect(answers.filter((a) => a.page.status === 'confirmed')).toHaveLength(150);
    expect(answers.filter((a) => a.page.status === 'waiting')).toHaveLength(50);
    const afterRace = await registrationsOf(meetingId);
    expect(afterRace).toMatchObject({ confirmedCount: 150, waitingCount: 50, pendingCount: 0 });
    expect(afterRace.registrations.filter((r) => r.status === 'confirmed')).toHaveLength(150);
    const waiting = afterRace.registrations.filter((r) => r.status === 'waiting');
    expect(waiting.map((r) => r.waitingPosition).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    // Each page stated what is stored: the seat, or the very place in line (numbered in commit order).
    const stored = new Map(afterRace.registrations.map((r) => [r.email, r]));
    for (const { email, page } of answers) {
      expect([page.status, page.position], email).toEqual([
        stored.get(email)?.status,
        stored.get(email)?.waitingPosition ?? null,
      ]);
    }

    const firstMails = await mailsByRecipient(people, 400);
    for (const { email, page } of answers) {
      const subjects = firstMails.get(email) ?? [];
      expect(subjects, email).toHaveLength(2);
      expect(subjects.join(' | ')).toMatch(
        page.status === 'confirmed'
          ? /^Bevestig je aanmelding: .* \| Je bent aangemeld: /
          : /^Bevestig je aanmelding: .* \| Je staat op de wachtlijst: /,
      );
    }
    const confirmedPeople = answers.filter((a) => a.page.status === 'confirmed').map((a) => a.email);
    const waitingByPosition = [...waiting].sort(
      (a, b) => (a.waitingPosition ?? 0) - (b.waitingPosition ?? 0),
    );

    // 40 of the confirmed cancel at once, each through the cancel link of their confirmation mail.
    const cancellers = confirmedPeople.slice(0, 40);
    const cancelLinks = await Promise.all(
      cancellers.map(async (email) => {
        const mails = await system.mailbox.to(email);
        const mail = mails.find((candidate) => candidate.subject.startsWith('Je bent aangemeld'));
        const link = mail?.body.text?.match(/http:\/\/\S+\/bijeenkomsten\/afmelden\?token=\S+/)?.[0] ?? '';
        return new URL(link);
      }),
    );
    let maxConfirmedSeen = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const meeting = await system.fetchAsOrganiser(`/api/organiser/meetings/${meetingId}`);
        maxConfirmedSeen = Math.max(
          maxConfirmedSeen,
          ((await meeting.json()) as { confirmedCount: number }).confirmedCount,
        );
      }
    })();
    const cancelled = await Promise.all(
      cancelLinks.map((link) => system.fetch(`${link.pathname}${link.search}`, { method: 'POST' })),
    );
    watching = false;
    await watcher;

    expect(cancelled.map((response) => response.status)).toEqual(cancelLinks.map(() => 200));
    expect(maxConfirmedSeen).toBeLessThanOrEqual(150);
    const afterCancel = await registrationsOf(meetingId);
    expect(afterCancel.confirmedCount).toBe(150);
    expect(afterCancel.waitingCount).toBe(10);
    expect(afterCancel.registrations.filter((r) => r.status === 'confirmed')).toHaveLength(150);
    expect(afterCancel.registrations.filter((r) => r.status === 'cancelled')).toHaveLength(40);
    const promoted = waitingByPosition.slice(0, 40).map((r) => r.email);
    const stillWaiting = waitingByPosition.slice(40).map((r) => r.email);
    const statusOf = new Map(afterCancel.registrations.map((r) => [r.email, r]));
    expect(promoted.every((email) => statusOf.get(email)?.status === 'confirmed')).toBe(true);
    expect(stillWaiting.map((email) => statusOf.get(email)?.waitingPosition)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );

    const allMails = await mailsByRecipient(people, 400 + 40 + 40);
    for (const email of cancellers) expect(allMails.get(email), email).toHaveLength(3);
    for (const email of promoted) expect(allMails.get(email), email).toHaveLength(3);
    for (const email of stillWaiting) expect(allMails.get(email), email).toHaveLength(2);
    const otherConfirmed = confirmedPeople.slice(40);
    for (const email of otherConfirmed) expect(allMails.get(email), email).toHaveLength(2);
    const kinds = (email: string) => (allMails.get(email) ?? []).join(' | ');
    expect(kinds(cancellers[0] ?? '')).toMatch(/Je bent aangemeld: .* \| Je bent afgemeld: /);
    expect(kinds(promoted[0] ?? '')).toMatch(/Je staat op de wachtlijst: .* \| Er is een plaats vrij/);
  }, 240_000);
});

/**
 * The negative control: the same use case over a store that reads the count and then writes without any
 * condition (what a naive implementation does). Under the same race it sells more seats than there are.
 */
class ReadThenWriteStore extends DynamoMeetingRegistrations {
  constructor(
    private readonly documents: TestSystem['documentClient'],
    private readonly tableName: string,
  ) {
    super(documents, tableName);
  }

  override async commitRegistration(change: RegistrationChange): Promise<void> {
    const meeting = await this.getMeeting(change.meeting.meetingId);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the time a real request takes between the two
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.registration(change.next.meetingId, change.next.personId),
          entity: 'Registration',
          ...change.next,
        },
      }),
    );
    const field = change.next.status === 'confirmed' ? 'confirmedCount' : 'waitingCount';
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.meeting(change.meeting.meetingId),
        UpdateExpression: `SET ${field} = :count`,
        ExpressionAttributeValues: { ':count': (meeting?.[field] ?? 0) + 1 },
      }),
    );
  }
}

describe('the negative control', () => {
  it('a read-then-write store oversells the same meeting under the same race', async () => {
    const meetingId = await publishedMeeting(150);
    const clock = new FixedClock(new Date());
    const ports = {
      store: new ReadThenWriteStore(system.documentClient, system.tableName),
      clock,
      ids: timeOrderedIds(clock),
      personIds: new PersonIds('negative-control-secret-negative-control-secret'),
    };

    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        registerForMeeting(ports, meetingId, {
          email: `naive-${i}@example.org`,
          name: `Naïef ${i}`,
          answers: {},
        }),
      ),
    );

    const confirmed = outcomes.filter((outcome) => outcome.status === 'confirmed').length;
    expect(confirmed).toBeGreaterThan(150);
  }, 120_000);
});

/**
 * The fair queue (docs/architecture.md, "Registering"): a capacity raise promotes the people waiting before
 * any newcomer, also when the process that would finish it dies; and the place a joiner is told is the place
 * it holds.
 */
describe('the fair queue, through the HTTP layer', () => {
  it('100 waiting, the capacity raised by 50 while 50 newcomers confirm: the first 50 waiting get the seats, also when the process dies right after the raise', async () => {
    const meetingId = await publishedMeeting(10);
    const stamp = Date.now();
    const seated = Array.from({ length: 10 }, (_, i) => `zit-${i}-${stamp}@example.org`);
    const queue = Array.from({ length: 100 }, (_, i) => `rij-${i}-${stamp}@example.org`);
    const newcomers = Array.from({ length: 50 }, (_, i) => `nieuw-${i}-${stamp}@example.org`);
    // Seats and the queue, one at a time so the queue's order is the order of `queue`.
    // Seated and queued through the use case itself (as an organiser's registration is), quicker than HTTP.
    const clock = new FixedClock(new Date());
    const direct = {
      store: new DynamoMeetingRegistrations(system.documentClient, system.tableName),
      clock,
      ids: timeOrderedIds(clock),
      personIds: new PersonIds(process.env.TOKEN_SECRET ?? ''),
    };
    for (const email of [...seated, ...queue]) {
      await registerForMeeting(direct, meetingId, { email, name: 'Deelnemer', answers: {} });
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
