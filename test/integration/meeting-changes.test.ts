import { randomUUID } from 'node:crypto';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMeetingLifecycle } from '../../functions/adapters/dynamo/meeting-lifecycle';
import { DynamoMeetingRegistrations } from '../../functions/adapters/dynamo/meeting-registrations';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { reminderScheduleName } from '../../functions/core/meetings/model';
import { registerForMeeting } from '../../functions/core/meetings/registration';
import { PersonIds } from '../../functions/core/people/person-id';
import { ConcurrentChange } from '../../functions/core/ports';
import { createMeeting, jsonRequest, publishMeeting, registerAsOrganiser } from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

const hour = 3_600_000;
const run = randomUUID().slice(0, 8);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const register = async (id: string, label: string): Promise<string> => {
  const email = `${label}-${run}@example.org`;
  await registerAsOrganiser(system, id, {
    name: 'Deelnemer',
    email,
    organisation: 'Jongerenwerk',
    role: 'manager',
    municipality: 'Dordrecht',
  });
  return email;
};

const etagOf = async (id: string) =>
  (await system.fetchAsOrganiser(`/api/organiser/meetings/${id}`)).headers.get('etag') ?? '';

/** The organiser moves a meeting to start at `startsAt` (three hours long), with the current version. */
const moveMeeting = async (id: string, startsAt: Date) =>
  system.fetchAsOrganiser(
    `/api/organiser/meetings/${id}`,
    jsonRequest(
      'PATCH',
      { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3 * hour).toISOString() },
      { 'if-match': await etagOf(id) },
    ),
  );

const subjectsTo = async (address: string) => (await system.mailbox.to(address)).map((mail) => mail.subject);

const waitFor = async <T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
};

const outboxJobs = async () =>
  (
    await system.documentClient.send(
      new QueryCommand({
        TableName: system.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pending',
        ExpressionAttributeValues: { ':pending': 'OUTBOX#pending' },
      }),
    )
  ).Items ?? [];

describe('a meeting change and what it sets off, in one transaction', () => {
  it('survives a consumer that is down at the commit: after restart everyone confirmed gets the update once and the reminder has moved', async () => {
    const startsAt = new Date(Date.now() + 48 * hour);
    const { id } = await createMeeting(system, {
      city: 'Dordrecht',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * hour).toISOString(),
      capacity: 2,
      reminderLeadHours: 24,
    });
    await publishMeeting(system, id);
    const people = [await register(id, 'eerste'), await register(id, 'tweede')];
    const waiting = await register(id, 'wachtend');
    await waitFor(
      () => system.mailbox.to(waiting),
      (mails) => mails.length === 1,
    );
    // Nothing consumes the outbox from the commit on: the stream relay and the sweeper are down.
    await system.outboxRelay.stop();
    await system.outboxSweeper.stop();
    const later = new Date(startsAt.getTime() + 24 * hour);

    const moved = await moveMeeting(id, later);
    expect(moved.status).toBe(200);
    await sleep(1_000);
    expect((await system.schedules.find(reminderScheduleName(id)))?.dueAt).toBe(
      new Date(startsAt.getTime() - 24 * hour).toISOString(),
    );
    for (const person of people) expect(await subjectsTo(person)).toHaveLength(1);
    expect((await outboxJobs()).some((item) => item.SK === 'JOB' && item.job?.meetingId === id)).toBe(true);

    // The consumers come back (the relay reads the stream from its oldest record); the sweep runs twice.
    await system.outboxRelay.start();
    await system.outboxSweeper.start();
    await system.outboxSweeper.sweepNow();

    const movedReminder = new Date(later.getTime() - 24 * hour).toISOString();
    expect(
      (
        await waitFor(
          () => system.schedules.find(reminderScheduleName(id)),
          (found) => found?.dueAt === movedReminder,
        )
      )?.dueAt,
    ).toBe(movedReminder);
    for (const person of people) {
      const subjects = await waitFor(
        () => subjectsTo(person),
        (found) => found.length >= 2,
      );
      expect(subjects.filter((subject) => /gewijzigd/i.test(subject))).toHaveLength(1);
    }
    await system.outboxSweeper.sweepNow();
    await sleep(1_500);
    for (const person of people) expect(await subjectsTo(person)).toHaveLength(2);
    // Waiting people have no calendar entry to update.
    expect(await subjectsTo(waiting)).toHaveLength(1);
  }, 60_000);

  it('cancelling a cancelled meeting sends nothing', async () => {
    const { id } = await createMeeting(system, { city: 'Bergen op Zoom' });
    await publishMeeting(system, id);
    const person = await register(id, 'annulering');
    const cancel = async () =>
      system.fetchAsOrganiser(`/api/organiser/meetings/${id}/cancel`, { method: 'POST' });

    expect((await cancel()).status).toBe(200);
    await waitFor(
      () => subjectsTo(person),
      (found) => found.length === 2,
    );
    // Weeks later TTL has removed the outbox items of those mails: nothing remembers them.
    const store = new DynamoMeetingLifecycle(system.documentClient, system.tableName);
    const meeting = await store.getMeeting(id);
    for (const { registration } of await store.listRegistrations(id)) {
      const mailId = `meeting-cancelled-${id}-${meeting?.sequence}-${registration.registrationId}`;
      const removed = await system.documentClient.send(
        new DeleteCommand({
          TableName: system.tableName,
          Key: keys.outboxMail(mailId),
          ReturnValues: 'ALL_OLD',
        }),
      );
      expect(removed.Attributes?.state).toBe('sent');
    }
    expect((await cancel()).status).toBe(200);
    await sleep(2_000);

    expect(
      (await subjectsTo(person)).filter((subject) => /gaat niet door|geannuleerd/i.test(subject)),
    ).toHaveLength(1);
    expect(await subjectsTo(person)).toHaveLength(2);
  }, 30_000);

  it('refuses a registration that read the meeting before a move committed, so its mail never has the old time', async () => {
    const { id } = await createMeeting(system, { city: 'Nijmegen', capacity: 10 });
    await publishMeeting(system, id);
    const store = new DynamoMeetingRegistrations(system.documentClient, system.tableName);
    const before = await store.getMeeting(id);
    if (!before) throw new Error('no meeting');
    const moveTo = new Date(Date.parse(before.startsAt) + 2 * hour);
    const moved = await moveMeeting(id, moveTo);
    expect(moved.status).toBe(200);
    const personIds = new PersonIds(process.env.TOKEN_SECRET ?? '');
    const registration = {
      meetingId: id,
      personId: personIds.of(`laat-${run}@example.org`),
      registrationId: `reg-${run}`,
      email: `laat-${run}@example.org`,
      name: 'Laat',
      answers: {},
      registeredAt: new Date().toISOString(),
      version: 1,
      status: 'confirmed' as const,
      confirmedAt: new Date().toISOString(),
    };

    // Written with the meeting as read before the move: refused, nothing written.
    await expect(
      store.commitRegistration({ meeting: before, requires: 'seat-free', next: registration, mails: [] }),
    ).rejects.toBeInstanceOf(ConcurrentChange);
    // The use case reads again and commits with the new time.
    const outcome = await registerForMeeting(
      {
        store,
        clock: { now: () => new Date() },
        ids: { next: () => randomUUID() },
        personIds,
      },
      id,
      {
        email: `laat-${run}@example.org`,
        name: 'Laat',
        answers: { organisation: 'JW', role: 'manager', municipality: 'Nijmegen' },
      },
    );
    expect(outcome.status).toBe('confirmed');
  });
});
