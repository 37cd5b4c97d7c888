import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderScheduleName } from '../../functions/core/meetings/model';
import { createMeeting, jsonRequest, publishMeeting, registerAsOrganiser } from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

const hour = 3_600_000;

/** A published meeting whose reminder (one hour ahead) is due `reminderInMs` from now. */
const publishedMeeting = async (reminderInMs: number): Promise<{ id: string; startsAt: Date }> => {
  const startsAt = new Date(Date.now() + hour + reminderInMs);
  const { id } = await createMeeting(system, {
    title: 'Kennisnetwerk Groningen: samen met HALT',
    city: 'Groningen',
    venueAddress: 'Grote Markt 1, Groningen',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3 * hour).toISOString(),
    capacity: 10,
    reminderLeadHours: 1,
  });
  await publishMeeting(system, id);
  return { id, startsAt };
};

/** The reminder schedule once the outbox job of the last change has run (a moment after the response). */
const scheduleWhen = async (
  id: string,
  accept: (schedule: Awaited<ReturnType<TestSystem['schedules']['find']>>) => boolean,
) => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const schedule = await system.schedules.find(reminderScheduleName(id));
    if (accept(schedule) || Date.now() > deadline) return schedule;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const etagOf = async (id: string) =>
  (await system.fetchAsOrganiser(`/api/organiser/meetings/${id}`)).headers.get('etag') ?? '';

describe('the reminder schedule of a meeting, offline', () => {
  it('is written when the meeting is published, at the start minus the lead time', async () => {
    const { id, startsAt } = await publishedMeeting(24 * hour);

    const schedule = await scheduleWhen(id, (found) => found !== undefined);

    expect(schedule?.dueAt).toBe(new Date(startsAt.getTime() - hour).toISOString());
    expect(JSON.parse(schedule?.input ?? '{}')).toEqual({ kind: 'meeting-reminder', meetingId: id });
  });

  it('fires at its time by itself and the participants get their reminder in the mailbox', async () => {
    const { id } = await publishedMeeting(3_000);
    const email = `herinnering-${Date.now()}@example.org`;
    const registered = await registerAsOrganiser(system, id, {
      name: 'Noor de Vries',
      email,
      organisation: 'Jongerenwerk Groningen',
      role: 'jongerenwerker',
      municipality: 'Groningen',
    });
    expect(registered).toMatchObject({ status: 'confirmed' });

    const reminder = await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(email) && /herinnering/i.test(mail.subject),
      { timeoutMs: 15_000 },
    );

    expect(reminder.subject).toContain('Kennisnetwerk Groningen');
    expect(await system.schedules.find(reminderScheduleName(id))).toBeUndefined();

    // Someone confirmed after the reminder fired gets none, also when the schedule fires again.
    const late = `laat-${Date.now()}@example.org`;
    const lateRegistration = await registerAsOrganiser(system, id, {
      name: 'Laat',
      email: late,
      organisation: 'JW',
      role: 'manager',
      municipality: 'Groningen',
    });
    expect(lateRegistration).toMatchObject({ status: 'confirmed' });

    // Scheduler delivers at least once: the same schedule firing a second time sends nobody a second reminder.
    await system.schedules.scheduleOnce(reminderScheduleName(id), new Date(), {
      kind: 'meeting-reminder',
      meetingId: id,
    });
    for (
      let waited = 0;
      (await system.schedules.find(reminderScheduleName(id))) && waited < 15_000;
      waited += 200
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await system.schedules.find(reminderScheduleName(id))).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const reminders = (await system.mailbox.to(email)).filter((mail) => /herinnering/i.test(mail.subject));
    expect(reminders).toHaveLength(1);
    const lateMails = await system.mailbox.to(late);
    expect(lateMails.map((mail) => mail.subject).join(' | ')).not.toMatch(/herinnering/i);
    expect(lateMails).toHaveLength(1);
  }, 45_000);

  it('moves when the meeting moves, and is deleted when it is cancelled', async () => {
    const { id, startsAt } = await publishedMeeting(24 * hour);
    const later = new Date(startsAt.getTime() + 24 * hour);
    const url = `/api/organiser/meetings/${id}`;

    const moved = await system.fetchAsOrganiser(
      url,
      jsonRequest(
        'PATCH',
        { startsAt: later.toISOString(), endsAt: new Date(later.getTime() + 3 * hour).toISOString() },
        { 'if-match': await etagOf(id) },
      ),
    );
    expect(moved.status).toBe(200);
    const movedTo = new Date(later.getTime() - hour).toISOString();
    expect((await scheduleWhen(id, (found) => found?.dueAt === movedTo))?.dueAt).toBe(movedTo);

    const cancelled = await system.fetchAsOrganiser(`${url}/cancel`, {
      method: 'POST',
      headers: { 'if-match': await etagOf(id) },
    });
    expect(cancelled.status).toBe(200);
    expect(await scheduleWhen(id, (found) => found === undefined)).toBeUndefined();
  });
});
