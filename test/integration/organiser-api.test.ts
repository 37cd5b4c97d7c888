import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeeting, jsonRequest, publishMeeting, registerAsOrganiser } from '../support/meetings-api';
import { recordCount } from '../support/record-count';
import { startTestSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

/**
 * The organiser API as a new organiser meets it: the meeting list with every status, readable addresses of
 * their own (slugs), a message with a cancellation, and 400s that say in Dutch which field is wrong.
 */
let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

interface OrganiserMeeting {
  id: string;
  status: string;
  version: number;
  slug?: string;
}
interface MeetingList {
  items: OrganiserMeeting[];
  nextCursor: string | null;
}
interface ProblemBody {
  type: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

const day = 24 * 3_600_000;
const startingIn = (days: number, hours = 0) => {
  const startsAt = new Date(Date.now() + days * day + hours * 3_600_000);
  return { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString() };
};
const records = async () => {
  await system.outboxSettled();
  return recordCount(system);
};
const listMeetings = async (query = '') => {
  const response = await system.fetchAsOrganiser(`/api/organiser/meetings${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as MeetingList;
};

describe("the organiser's meeting list", () => {
  it('shows drafts, published and cancelled meetings by default, in pages that miss none', async () => {
    const draft = await createMeeting<OrganiserMeeting>(system, { title: 'Concept', ...startingIn(20) });
    const published = await createMeeting<OrganiserMeeting>(system, { title: 'Gepland', ...startingIn(21) });
    await publishMeeting(system, published.id);
    const cancelled = await createMeeting<OrganiserMeeting>(system, { title: 'Afgelast', ...startingIn(22) });
    const cancel = await system.fetchAsOrganiser(`/api/organiser/meetings/${cancelled.id}/cancel`, {
      method: 'POST',
    });
    expect(cancel.status).toBe(200);
    const ours = [draft.id, published.id, cancelled.id];

    const everything = await listMeetings('?limit=100');
    expect(
      everything.items.filter((meeting) => ours.includes(meeting.id)).map((meeting) => meeting.status),
    ).toEqual(['draft', 'published', 'cancelled']);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: MeetingList = await listMeetings(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      paged.push(...page.items.map((meeting) => meeting.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(everything.items.map((meeting) => meeting.id));

    expect((await listMeetings('?status=draft')).items.map((meeting) => meeting.id)).toContain(draft.id);
    expect((await listMeetings('?status=draft')).items.map((meeting) => meeting.id)).not.toContain(
      published.id,
    );
  });

  it('refuses a cursor that is not its own, naming the field', async () => {
    const response = await system.fetchAsOrganiser('/api/organiser/meetings?cursor=bm9wZQ');
    const problem = (await response.json()) as ProblemBody;

    expect(response.status).toBe(400);
    expect(problem.errors).toEqual([
      { field: 'cursor', message: 'Het veld ‘cursor’: Deze cursor hoort niet bij deze lijst.' },
    ]);
  });
});

describe('a meeting with an address of its own', () => {
  it('is served at /bijeenkomsten/<slug>, and its id leads there', async () => {
    const meeting = await createMeeting<OrganiserMeeting>(system, {
      title: 'Kennisnetwerk Bergen op Zoom',
      slug: 'kennisnetwerk-bergen-op-zoom',
      ...startingIn(30),
    });
    expect(meeting.slug).toBe('kennisnetwerk-bergen-op-zoom');
    // A draft has no page, at either address.
    expect((await system.fetch('/bijeenkomsten/kennisnetwerk-bergen-op-zoom')).status).toBe(404);
    await publishMeeting(system, meeting.id);

    const page = await system.fetch('/bijeenkomsten/kennisnetwerk-bergen-op-zoom');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Kennisnetwerk Bergen op Zoom');
    const byId = await system.fetch(`/bijeenkomsten/${meeting.id}?uitnodiging=abc`);
    expect(byId.status).toBe(301);
    expect(byId.headers.get('location')).toBe('/bijeenkomsten/kennisnetwerk-bergen-op-zoom?uitnodiging=abc');
    const api = await system.fetch('/api/meetings/kennisnetwerk-bergen-op-zoom');
    expect(((await api.json()) as { id: string; slug: string }).slug).toBe('kennisnetwerk-bergen-op-zoom');
  });

  it('takes registrations through the form at that address', async () => {
    const meeting = await createMeeting<OrganiserMeeting>(system, {
      slug: 'werkplaats-noord-2027',
      ...startingIn(31),
      questions: { organisation: false, role: false, municipality: false, needs: false },
    });
    await publishMeeting(system, meeting.id);
    const email = `slug-form-${Date.now()}@example.org`;

    const response = await system.fetch('/bijeenkomsten/werkplaats-noord-2027', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'Sanne', email, privacy: 'ja' }).toString(),
    });
    expect(response.status, (await response.clone().text()).slice(0, 400)).toBe(200);
    const mail = await waitFor(
      'the confirm link',
      async () => (await system.mailbox.list()).find((stored) => stored.destination.to.includes(email)),
      30_000,
    );
    expect(mail.body.text).toContain(`/bijeenkomsten/${meeting.id}`);
  });

  it("refuses a slug that is taken, an id as slug, or another page's address, and writes nothing", async () => {
    const first = await createMeeting<OrganiserMeeting>(system, {
      slug: 'kennisnetwerk-utrecht',
      ...startingIn(40),
    });
    const before = await records();
    const create = (slug: string) =>
      system.fetchAsOrganiser(
        '/api/organiser/meetings',
        jsonRequest('POST', {
          title: 'Dubbel',
          city: 'Utrecht',
          venueAddress: 'Stadsplateau 1, Utrecht',
          capacity: 10,
          slug,
          ...startingIn(41),
        }),
      );

    const taken = await create('kennisnetwerk-utrecht');
    expect(taken.status).toBe(409);
    expect((await taken.json()) as ProblemBody).toMatchObject({
      type: 'urn:dropin:problem:slug-taken',
      detail: 'Het adres /bijeenkomsten/kennisnetwerk-utrecht is al in gebruik. Kies een ander adres (slug).',
    });
    expect((await create(first.id)).status).toBe(409);
    const otherPage = await create('eerder');
    expect(otherPage.status).toBe(400);
    expect(((await otherPage.json()) as ProblemBody).errors).toEqual([
      { field: 'slug', message: 'Het veld ‘slug’: Dit adres hoort bij een andere pagina van de site.' },
    ]);
    const badShape = await create('Kennisnetwerk Utrecht');
    expect(((await badShape.json()) as ProblemBody).errors?.[0]?.field).toBe('slug');
    expect(await records()).toBe(before);
  });

  it('moves to a new slug, the old one answering 301, and can take its old one back', async () => {
    const meeting = await createMeeting<OrganiserMeeting>(system, {
      slug: 'werkplaats-zuid',
      ...startingIn(50),
    });
    const published = await publishMeeting<OrganiserMeeting>(system, meeting.id);
    const patch = (slug: string, version: number) =>
      system.fetchAsOrganiser(
        `/api/organiser/meetings/${meeting.id}`,
        jsonRequest('PATCH', { slug }, { 'if-match': `"${version}"` }),
      );

    const moved = await patch('werkplaats-zuid-2027', published.version);
    expect(moved.status).toBe(200);
    const old = await system.fetch('/bijeenkomsten/werkplaats-zuid');
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/bijeenkomsten/werkplaats-zuid-2027');
    expect((await system.fetch('/bijeenkomsten/werkplaats-zuid-2027')).status).toBe(200);

    const other = await createMeeting<OrganiserMeeting>(system, { ...startingIn(51) });
    const stolen = await system.fetchAsOrganiser(
      `/api/organiser/meetings/${other.id}`,
      jsonRequest('PATCH', { slug: 'werkplaats-zuid' }, { 'if-match': `"${other.version}"` }),
    );
    expect(stolen.status).toBe(409);

    const back = await patch('werkplaats-zuid', ((await moved.json()) as OrganiserMeeting).version);
    expect(back.status).toBe(200);
    expect((await system.fetch('/bijeenkomsten/werkplaats-zuid')).status).toBe(200);
    expect((await system.fetch('/bijeenkomsten/werkplaats-zuid-2027')).headers.get('location')).toBe(
      '/bijeenkomsten/werkplaats-zuid',
    );
  });
});

describe('cancelling with a message', () => {
  it("mails everyone registered the organiser's message with the cancellation", async () => {
    const meeting = await createMeeting<OrganiserMeeting>(system, { ...startingIn(60) });
    await publishMeeting(system, meeting.id);
    const email = `afgelast-${Date.now()}@example.org`;
    await registerAsOrganiser(system, meeting.id, {
      name: 'Joris',
      email,
      organisation: 'Jongerenwerk Breda',
      role: 'jongerenwerker',
      municipality: 'Breda',
    });
    const message = 'De zaal is onder water gelopen. We plannen een nieuwe datum en laten het je weten.';

    const tooLong = await system.fetchAsOrganiser(
      `/api/organiser/meetings/${meeting.id}/cancel`,
      jsonRequest('POST', { message: 'x'.repeat(2_001) }),
    );
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as ProblemBody).errors).toEqual([
      { field: 'message', message: 'Het veld ‘message’ mag hoogstens 2000 tekens lang zijn.' },
    ]);
    const still = await system.fetchAsOrganiser(`/api/organiser/meetings/${meeting.id}`);
    expect(((await still.json()) as OrganiserMeeting).status).toBe('published');

    const cancelled = await system.fetchAsOrganiser(
      `/api/organiser/meetings/${meeting.id}/cancel`,
      jsonRequest('POST', { message }),
    );
    expect(cancelled.status).toBe(200);
    const mail = await waitFor(
      'the cancellation',
      async () =>
        (await system.mailbox.list()).find(
          (stored) => stored.destination.to.includes(email) && stored.subject.startsWith('Geannuleerd'),
        ),
      30_000,
    );
    expect(mail.body.text).toContain(`De organisatoren schrijven erbij: “${message}”`);
    expect(mail.body.html).toContain('De zaal is onder water gelopen.');
  });
});

describe('validation messages', () => {
  it('tell a new organiser in Dutch which fields a meeting lacks', async () => {
    const response = await system.fetchAsOrganiser(
      '/api/organiser/meetings',
      jsonRequest('POST', { title: 'Kennisnetwerk', capacity: 'veertig' }),
    );
    const problem = (await response.json()) as ProblemBody;

    expect(response.status).toBe(400);
    expect(problem.errors).toEqual([
      { field: 'city', message: 'Het veld ‘city’ ontbreekt.' },
      { field: 'venueAddress', message: 'Het veld ‘venueAddress’ ontbreekt.' },
      { field: 'startsAt', message: 'Het veld ‘startsAt’ ontbreekt.' },
      { field: 'endsAt', message: 'Het veld ‘endsAt’ ontbreekt.' },
      { field: 'capacity', message: 'Het veld ‘capacity’ moet een getal zijn, niet tekst.' },
    ]);
  });
});
