import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../functions/core/errors';
import { waitingKeyOf } from '../../functions/core/meetings/capacity';
import {
  cancelMeeting,
  createMeeting,
  type LifecyclePorts,
  MeetingConflict,
  MeetingSlugTaken,
  organiserMeetingPage,
  promoteWaiting,
  publishMeeting,
  StaleVersion,
  updateMeeting,
} from '../../functions/core/meetings/lifecycle';
import type { Meeting, MeetingDetails } from '../../functions/core/meetings/model';
import { registerForMeeting } from '../../functions/core/meetings/registration';
import { PersonIds } from '../../functions/core/people/person-id';
import { FixedClock, InMemoryMeetings, SequentialIds } from '../support/in-memory-ports';
import { meetingFixture, registrationFixture } from '../support/meeting-fixtures';

let store: InMemoryMeetings;
let ports: LifecyclePorts;

const details = (): MeetingDetails => {
  const {
    meetingId: _id,
    status: _s,
    confirmedCount: _c,
    waitingCount: _w,
    createdAt: _ca,
    updatedAt: _u,
    version: _v,
    sequence: _seq,
    ...rest
  } = meetingFixture();
  return rest;
};

/** A published meeting with `confirmed` seats taken and people waiting in line (W1, W2, …). */
const publishedWith = (confirmed: number, waiting: number, capacity: number): Meeting => {
  const meeting = meetingFixture({
    capacity,
    confirmedCount: confirmed,
    waitingCount: waiting,
    publishedAt: '2026-12-02T00:00:00.000Z',
  });
  store.meetings.set(meeting.meetingId, meeting);
  for (let i = 1; i <= waiting; i++) {
    const registration = registrationFixture({
      personId: `waiting-${i}`,
      status: 'waiting',
      waitingKey: `W${i}`,
    });
    store.registrations.set(`${meeting.meetingId}/waiting-${i}`, registration);
    store.waiting.set(`${meeting.meetingId}/W${i}`, `waiting-${i}`);
  }
  return meeting;
};

beforeEach(() => {
  store = new InMemoryMeetings();
  ports = { store, clock: new FixedClock(new Date('2027-01-05T09:00:00Z')), ids: new SequentialIds() };
});

describe("the organiser's meetings", () => {
  it('creates a draft, and publishes it with the job that schedules its reminder', async () => {
    const draft = await createMeeting(ports, details());
    expect(draft).toMatchObject({ status: 'draft', version: 1, confirmedCount: 0, sequence: 0 });

    const published = await publishMeeting(ports, draft.meetingId, 1);

    expect(published).toMatchObject({ status: 'published', version: 2 });
    expect(store.jobs.map((job) => job.job)).toEqual([
      {
        kind: 'meeting-changed',
        meetingId: draft.meetingId,
        change: 'published',
        sequence: 0,
        mailParticipants: false,
      },
    ]);
    // Publishing again changes nothing and writes no second job.
    await publishMeeting(ports, draft.meetingId);
    expect(store.jobs).toHaveLength(1);
  });

  it('refuses details that break the rules', async () => {
    await expect(createMeeting(ports, { ...details(), endsAt: details().startsAt })).rejects.toBeInstanceOf(
      InvalidInput,
    );
  });

  it('changes a meeting only at the version the organiser read (If-Match)', async () => {
    const meeting = publishedWith(0, 0, 10);

    await expect(updateMeeting(ports, meeting.meetingId, 7, { title: 'Nieuw' })).rejects.toBeInstanceOf(
      StaleVersion,
    );
    const updated = await updateMeeting(ports, meeting.meetingId, meeting.version, { title: 'Nieuw' });

    expect(updated).toMatchObject({ title: 'Nieuw', version: meeting.version + 1, sequence: 0 });
    // A new title moves nothing: no job.
    expect(store.jobs).toEqual([]);
  });

  it('refuses to change, publish or cancel a meeting whose participants were anonymised', async () => {
    const meeting = publishedWith(0, 0, 10);
    const removed = { ...meeting, personalDataRemovedAt: '2027-01-04T02:30:00.000Z' };
    store.meetings.set(meeting.meetingId, removed);
    const later = { startsAt: '2027-06-01T12:00:00.000Z', endsAt: '2027-06-01T15:00:00.000Z' };

    await expect(updateMeeting(ports, meeting.meetingId, meeting.version, later)).rejects.toBeInstanceOf(
      MeetingConflict,
    );
    await expect(cancelMeeting(ports, meeting.meetingId)).rejects.toBeInstanceOf(MeetingConflict);
    store.meetings.set(meeting.meetingId, { ...removed, status: 'draft' });
    await expect(publishMeeting(ports, meeting.meetingId)).rejects.toBeInstanceOf(MeetingConflict);
    // The control: the same change to the same meeting before the job ran goes through.
    store.meetings.set(meeting.meetingId, meeting);
    await expect(updateMeeting(ports, meeting.meetingId, meeting.version, later)).resolves.toMatchObject(
      later,
    );
  });

  it('refuses a capacity below the seats taken', async () => {
    const meeting = publishedWith(5, 0, 10);

    await expect(
      updateMeeting(ports, meeting.meetingId, meeting.version, { capacity: 4 }),
    ).rejects.toBeInstanceOf(MeetingConflict);
    const lowered = await updateMeeting(ports, meeting.meetingId, meeting.version, { capacity: 5 });
    expect(lowered.capacity).toBe(5);
  });

  it('promotes the first people waiting when the capacity goes up, as far as the seats go', async () => {
    const meeting = publishedWith(2, 3, 2);

    const updated = await updateMeeting(ports, meeting.meetingId, meeting.version, { capacity: 4 });

    expect(updated).toMatchObject({ capacity: 4, confirmedCount: 4, waitingCount: 1 });
    expect((await store.getRegistration(meeting.meetingId, 'waiting-1'))?.status).toBe('confirmed');
    expect((await store.getRegistration(meeting.meetingId, 'waiting-2'))?.status).toBe('confirmed');
    expect((await store.getRegistration(meeting.meetingId, 'waiting-3'))?.status).toBe('waiting');
    expect(store.outbox.map((mail) => [mail.kind, mail.recipient.personId])).toEqual([
      ['registration-promoted', 'waiting-1'],
      ['registration-promoted', 'waiting-2'],
    ]);
  });

  it('promotes a raise of 50 for 100 waiting in its own transaction and a job, and no newcomer passes them', async () => {
    const meeting = publishedWith(10, 0, 10);
    for (let i = 1; i <= 100; i++) {
      const key = waitingKeyOf(i);
      store.registrations.set(
        `${meeting.meetingId}/waiting-${i}`,
        registrationFixture({ personId: `waiting-${i}`, status: 'waiting', waitingKey: key }),
      );
      store.waiting.set(`${meeting.meetingId}/${key}`, `waiting-${i}`);
    }
    store.meetings.set(meeting.meetingId, { ...meeting, waitingCount: 100, waitingTicket: 100 });

    const raised = await updateMeeting(ports, meeting.meetingId, meeting.version, { capacity: 60 });
    // The process dies here: only the raise's own transaction committed. A newcomer registers meanwhile.
    const registering = {
      store,
      clock: ports.clock,
      ids: ports.ids,
      personIds: new PersonIds('unit-test-secret-unit-test-secret-0123456789'),
    };
    const newcomer = await registerForMeeting(registering, meeting.meetingId, {
      email: 'nieuw@example.org',
      name: 'Nieuw',
      answers: { organisation: 'Buurtwerk', role: 'jongerenwerker', municipality: 'Assen' },
    });

    expect(raised).toMatchObject({ capacity: 60, confirmedCount: 35, waitingCount: 75 });
    expect(newcomer).toMatchObject({ status: 'waiting', position: 76 });
    const [job] = store.jobs.map((written) => written.job);
    expect(job).toEqual({ kind: 'waiting-list-promotion', meetingId: meeting.meetingId });

    // The job, delivered after the crash (twice: at least once), promotes the rest of the first 50.
    await promoteWaiting(ports, meeting.meetingId);
    const after = await promoteWaiting(ports, meeting.meetingId);
    expect(after).toMatchObject({ confirmedCount: 60, waitingCount: 51 });
    const statuses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.getRegistration(meeting.meetingId, `waiting-${i + 1}`)),
    );
    expect(statuses.slice(0, 50).every((registration) => registration?.status === 'confirmed')).toBe(true);
    expect(statuses.slice(50).every((registration) => registration?.status === 'waiting')).toBe(true);
    expect(store.outbox.filter((mail) => mail.kind === 'registration-promoted')).toHaveLength(50);
  });

  it('leaves no free seat behind when someone joins the queue between the read and the write of a raise', async () => {
    const meeting = publishedWith(10, 0, 10);
    store.beforeCommit = () => {
      // A newcomer joins the (full) meeting's queue at this moment: neither the version nor the seats move.
      const joiner = registrationFixture({
        personId: 'joiner',
        status: 'waiting',
        waitingKey: waitingKeyOf(1),
      });
      store.registrations.set(`${meeting.meetingId}/joiner`, joiner);
      store.waiting.set(`${meeting.meetingId}/${waitingKeyOf(1)}`, 'joiner');
      const current = store.meetings.get(meeting.meetingId) ?? meeting;
      store.meetings.set(meeting.meetingId, { ...current, waitingCount: 1, waitingTicket: 1 });
    };

    await updateMeeting(ports, meeting.meetingId, meeting.version, { capacity: 20 });
    // The job written with the raise, as the delivery runs it.
    expect(store.jobs.map((written) => written.job.kind)).toEqual(['waiting-list-promotion']);
    const after = await promoteWaiting(ports, meeting.meetingId);

    expect(after).toMatchObject({ capacity: 20, confirmedCount: 11, waitingCount: 0 });
    expect((await store.getRegistration(meeting.meetingId, 'joiner'))?.status).toBe('confirmed');
  });

  it('writes a job that mails the participants when the time or place moves', async () => {
    const meeting = publishedWith(1, 0, 10);

    const moved = await updateMeeting(ports, meeting.meetingId, meeting.version, {
      city: 'Assen',
    });

    expect(moved.sequence).toBe(meeting.sequence + 1);
    expect(store.jobs.map((job) => [job.jobId, job.job])).toEqual([
      [
        `meeting-${meeting.meetingId}-v${moved.version}`,
        expect.objectContaining({ change: 'updated', mailParticipants: true }),
      ],
    ]);
  });

  it('cancels once: a job that mails everyone, and nothing the second time', async () => {
    const meeting = publishedWith(1, 1, 1);

    const cancelled = await cancelMeeting(ports, meeting.meetingId, meeting.version);
    const again = await cancelMeeting(ports, meeting.meetingId);

    expect(cancelled).toMatchObject({ status: 'cancelled', sequence: meeting.sequence + 1 });
    expect(again).toEqual(cancelled);
    expect(store.jobs.map((job) => job.job)).toEqual([
      expect.objectContaining({ change: 'cancelled', mailParticipants: true }),
    ]);
    await expect(
      updateMeeting(ports, meeting.meetingId, cancelled.version, { title: 'x' }),
    ).rejects.toBeInstanceOf(MeetingConflict);
  });

  it("keeps the organiser's message for the mail; a retry with it is the same cancellation, another is refused", async () => {
    const meeting = publishedWith(1, 0, 5);
    const message = 'De zaal is niet beschikbaar.';

    const cancelled = await cancelMeeting(ports, meeting.meetingId, undefined, message);

    expect(cancelled.cancellationMessage).toBe(message);
    expect(await cancelMeeting(ports, meeting.meetingId, undefined, message)).toEqual(cancelled);
    await expect(
      cancelMeeting(ports, meeting.meetingId, undefined, 'Toch iets anders.'),
    ).rejects.toBeInstanceOf(MeetingConflict);
    expect(store.jobs).toHaveLength(1);
  });
});

describe("a meeting's slug", () => {
  it('is set, changed and removed (null) by an update, and a taken one is refused', async () => {
    const meeting = await createMeeting(ports, { ...details(), slug: 'kennisnetwerk-breda' });
    const other = await createMeeting(ports, { ...details(), slug: 'werkplaats-breda' });

    const moved = await updateMeeting(ports, meeting.meetingId, meeting.version, {
      slug: 'kennisnetwerk-breda-2027',
    });
    expect(moved.slug).toBe('kennisnetwerk-breda-2027');
    const removed = await updateMeeting(ports, meeting.meetingId, moved.version, { slug: null });
    expect(removed).not.toHaveProperty('slug');
    expect(await store.meetingIdAt('kennisnetwerk-breda')).toBe(meeting.meetingId);
    await expect(
      updateMeeting(ports, other.meetingId, other.version, { slug: 'kennisnetwerk-breda-2027' }),
    ).rejects.toBeInstanceOf(MeetingSlugTaken);
  });
});

describe("the organiser's meeting list", () => {
  const meetingsOf = (count: number) =>
    Array.from({ length: count }, (_, index) => {
      const status = (['draft', 'published', 'cancelled'] as const)[index % 3] ?? 'draft';
      // Two start at each time, so the id breaks the tie; statuses interleave in time.
      const startsAt = new Date(Date.UTC(2027, 0, 1 + Math.floor(index / 2), 9)).toISOString();
      const meeting = meetingFixture({ meetingId: `m${String(index).padStart(2, '0')}`, status, startsAt });
      store.meetings.set(meeting.meetingId, meeting);
      return meeting;
    });
  const pagesOf = async (limit: number, statuses?: readonly ('draft' | 'published' | 'cancelled')[]) => {
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await organiserMeetingPage(store, {
        limit,
        ...(statuses ? { statuses } : {}),
        ...(after !== undefined ? { after } : {}),
      });
      pages.push(page.items.map((meeting) => meeting.meetingId));
      if (page.nextAfter === null) return pages;
      after = page.nextAfter;
    }
  };

  it('lists every status by default, by start time, each meeting once, in exact pages', async () => {
    const all = meetingsOf(11);

    const pages = await pagesOf(4);

    expect(pages).toEqual([
      ['m00', 'm01', 'm02', 'm03'],
      ['m04', 'm05', 'm06', 'm07'],
      ['m08', 'm09', 'm10'],
    ]);
    expect(pages.flat()).toEqual(all.map((meeting) => meeting.meetingId));
  });

  it('knows the last page when it is full: no empty page after it', async () => {
    meetingsOf(8);

    expect(await pagesOf(4)).toEqual([
      ['m00', 'm01', 'm02', 'm03'],
      ['m04', 'm05', 'm06', 'm07'],
    ]);
  });

  it('lists one status when asked, drafts included', async () => {
    meetingsOf(9);

    expect((await pagesOf(2, ['draft'])).flat()).toEqual(['m00', 'm03', 'm06']);
    expect((await pagesOf(50, ['cancelled'])).flat()).toEqual(['m02', 'm05', 'm08']);
  });
});
