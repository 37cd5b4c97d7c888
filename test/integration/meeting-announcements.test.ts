import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMeetingWhen } from '../../functions/web/time';
import { createMeeting, jsonRequest, publishMeeting } from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

/** Announcing a meeting through the organiser API, against DynamoDB Local: a prefilled mailing draft. */
let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ outboxRelay: false, scheduleRunner: false, outboxSweeper: false });
});
afterAll(() => system?.stop());

const hour = 3_600_000;
const day = 24 * hour;

interface OrganiserMeeting {
  id: string;
  startsAt: string;
  endsAt: string;
}

const announce = (id: string, init: RequestInit = { method: 'POST' }) =>
  system.fetchAsOrganiser(`/api/organiser/meetings/${encodeURIComponent(id)}/announce`, init);
const mailingCount = async () =>
  (
    (await (await system.fetchAsOrganiser('/api/organiser/mailings?limit=100')).json()) as {
      items: unknown[];
    }
  ).items.length;

const title = 'Kennisnetwerk Groningen: samen met *HALT*';
const published = async () =>
  publishMeeting<OrganiserMeeting>(
    system,
    (
      await createMeeting(system, {
        title,
        city: 'Groningen',
        venueAddress: 'Het Pand, Grote Markt 1',
        description: 'Hoe werken jongerenwerk en HALT samen?\n\nDaarna praten we in groepen verder.',
      })
    ).id,
  );

describe('announcing a meeting', () => {
  it('creates a draft to `bijeenkomsten` with the title, the Amsterdam time and the registration link', async () => {
    const meeting = await published();

    const created = await announce(meeting.id);

    expect(created.status).toBe(201);
    const mailing = (await created.json()) as {
      mailingId: string;
      status: string;
      version: number;
      subject: string;
      body: string;
      audience: unknown;
      author: unknown;
    };
    expect(mailing).toMatchObject({ status: 'draft', version: 1, audience: { topics: ['bijeenkomsten'] } });
    expect(mailing.author).toMatchObject({ email: 'dilly.timmer@example.org' });
    expect(mailing.subject).toContain(`Nieuwe bijeenkomst: ${title} op `);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/api/organiser/mailings/${mailing.mailingId}`);

    const link = `${system.baseUrl}/bijeenkomsten/${meeting.id}`;
    const when = formatMeetingWhen(meeting.startsAt, meeting.endsAt);
    const preview = (await (
      await system.fetchAsOrganiser(`/api/organiser/mailings/${mailing.mailingId}/preview`)
    ).json()) as { html: string; text: string };
    // The title as typed, in the heading: its asterisks are no emphasis.
    expect(preview.html).toMatch(/<h2[^>]*>Kennisnetwerk Groningen: samen met \*HALT\*<\/h2>/);
    expect(preview.html).toContain(when);
    expect(preview.html).toContain(`href="${link}"`);
    expect(preview.text).toContain(when);
    expect(preview.text).toContain('Het Pand, Grote Markt 1, Groningen');
    expect(preview.text).not.toContain('Daarna praten we');
  });

  it('takes a subject of the organiser instead of the prefilled one', async () => {
    const meeting = await published();
    const created = await announce(
      meeting.id,
      jsonRequest('POST', { subject: 'Kom je ook naar Groningen?' }),
    );
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ subject: 'Kom je ook naar Groningen?', version: 1 });
    expect((await announce(meeting.id, jsonRequest('POST', { body: 'x' }))).status).toBe(400);
  });

  it('answers 404 for a missing meeting and 409 for a draft, cancelled or past one, and writes nothing', async () => {
    const draft = await createMeeting(system);
    const cancelled = await published();
    expect(
      (await system.fetchAsOrganiser(`/api/organiser/meetings/${cancelled.id}/cancel`, { method: 'POST' }))
        .status,
    ).toBe(200);
    const startsAt = new Date(Date.now() - day);
    const past = await publishMeeting(
      system,
      (
        await createMeeting(system, {
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 3 * hour).toISOString(),
          registrationOpensAt: new Date(startsAt.getTime() - 7 * day).toISOString(),
          registrationClosesAt: startsAt.toISOString(),
        })
      ).id,
    );
    const before = await mailingCount();

    const missing = await announce('bestaat-niet');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const cases: Array<[string, RegExp]> = [
      [draft.id, /status: concept/],
      [cancelled.id, /status: geannuleerd/],
      [past.id, /al begonnen of voorbij \(status: gepubliceerd\)/],
    ];
    for (const [id, detail] of cases) {
      const answer = await announce(id);
      expect(answer.status, id).toBe(409);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(((await answer.json()) as { detail: string }).detail).toMatch(detail);
    }

    expect(await mailingCount()).toBe(before);
  });

  it('is for organisers only', async () => {
    expect((await system.fetch('/api/organiser/meetings/x/announce', { method: 'POST' })).status).toBe(401);
    expect(
      (
        await system.fetchAsOrganiser(
          '/api/organiser/meetings/x/announce',
          { method: 'POST' },
          { groups: [] },
        )
      ).status,
    ).toBe(403);
  });
});
