import { readFileSync } from 'node:fs';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../functions/routes';
import { createMeeting, jsonRequest, publishMeeting, registerAsOrganiser } from '../support/meetings-api';
import { recordCount } from '../support/record-count';
import { startTestSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

/**
 * The organiser API as a new organiser meets it: the meeting list with every status, readable addresses of
 * their own (slugs), a message with a cancellation, 400s that say in Dutch which field is wrong, and the API
 * describing itself at /api.
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

    // Without a slug the page is at the id again, and both old slugs lead there.
    const version = ((await back.json()) as OrganiserMeeting).version;
    const removed = await system.fetchAsOrganiser(
      `/api/organiser/meetings/${meeting.id}`,
      jsonRequest('PATCH', { slug: null }, { 'if-match': `"${version}"` }),
    );
    expect(removed.status).toBe(200);
    expect((await removed.json()) as OrganiserMeeting).not.toHaveProperty('slug');
    expect((await system.fetch(`/bijeenkomsten/${meeting.id}`)).status).toBe(200);
    for (const old of ['werkplaats-zuid', 'werkplaats-zuid-2027']) {
      expect((await system.fetch(`/bijeenkomsten/${old}`)).headers.get('location')).toBe(
        `/bijeenkomsten/${meeting.id}`,
      );
    }
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

interface AuditEntryBody {
  entryId: string;
  at: string;
  actor: { subject: string; name?: string };
  action: string;
  kind: string;
  targetId: string;
  versionBefore: number | null;
  versionAfter: number | null;
  changes: string[];
  personId?: string;
}
const asAdmin = { groups: ['admins'], sub: 'admin-ans', email: 'ans.beheer@example.org', name: 'Ans Beheer' };
const auditTrail = async (query: string) => {
  const response = await system.fetchAsOrganiser(`/api/organiser/audit${query}`, {}, asAdmin);
  expect(response.status).toBe(200);
  return (await response.json()) as { items: AuditEntryBody[]; nextCursor: string | null };
};

describe('roles', () => {
  it('keep the audit trail from organisers with a Dutch reason, and open it to admins', async () => {
    const refused = await system.fetchAsOrganiser('/api/organiser/audit');
    const problem = (await refused.json()) as ProblemBody;

    expect(refused.status).toBe(403);
    expect(problem.type).toBe('urn:dropin:problem:not-permitted');
    expect(problem.detail).toBe(
      'Dit kan alleen een beheerder (de groep admins). Vraag een beheerder om dit te doen of om je die rol te geven.',
    );
    const inNoGroup = await system.fetchAsOrganiser('/api/organiser/audit', {}, { groups: [] });
    expect(inNoGroup.status).toBe(403);
    expect((await system.fetchAsOrganiser('/api/organiser/audit', {}, asAdmin)).status).toBe(200);
    // An admin may do what organisers do.
    expect((await system.fetchAsOrganiser('/api/organiser/meetings', {}, asAdmin)).status).toBe(200);
  });
});

describe('the audit trail', () => {
  it("records who changed a meeting, how (the route), the versions and the changed fields' names", async () => {
    const organiser = { groups: ['organisers'], sub: 'organiser-bram', name: 'Bram' };
    const created = await system.fetchAsOrganiser(
      '/api/organiser/meetings',
      jsonRequest('POST', {
        title: 'Werkplaats Oost',
        city: 'Enschede',
        venueAddress: 'Hengelosestraat 1, Enschede',
        capacity: 12,
        ...startingIn(70),
      }),
      organiser,
    );
    const meeting = (await created.json()) as OrganiserMeeting;
    await system.fetchAsOrganiser(
      `/api/organiser/meetings/${meeting.id}`,
      jsonRequest(
        'PATCH',
        { capacity: 15, description: 'Met lunch.' },
        { 'if-match': `"${meeting.version}"` },
      ),
      organiser,
    );
    await system.fetchAsOrganiser(
      `/api/organiser/meetings/${meeting.id}/publish`,
      { method: 'POST' },
      organiser,
    );

    const trail = await auditTrail('?kind=meeting&limit=100');
    const ofMeeting = trail.items.filter((entry) => entry.targetId === meeting.id);

    expect(
      ofMeeting.map(({ action, versionBefore, versionAfter, changes, actor }) => ({
        action,
        versions: [versionBefore, versionAfter],
        changes,
        actor,
      })),
    ).toEqual([
      {
        action: 'POST /api/organiser/meetings/{id}/publish',
        versions: [2, 3],
        changes: ['publishedAt', 'status'],
        actor: { subject: 'organiser-bram', name: 'Bram' },
      },
      {
        action: 'PATCH /api/organiser/meetings/{id}',
        versions: [1, 2],
        changes: ['capacity', 'description'],
        actor: { subject: 'organiser-bram', name: 'Bram' },
      },
      {
        action: 'POST /api/organiser/meetings',
        versions: [null, 1],
        changes: expect.arrayContaining(['capacity', 'city', 'meetingId', 'status', 'title']),
        actor: { subject: 'organiser-bram', name: 'Bram' },
      },
    ]);
    // What changed, never to what: no description, no address of the venue or of anyone.
    expect(JSON.stringify(trail)).not.toContain('Met lunch.');
    expect(JSON.stringify(trail)).not.toContain('Hengelosestraat');
    expect(JSON.stringify(trail)).not.toContain('@');
  });

  it("finds an organiser's actions about one person, by address, without holding the address", async () => {
    const meeting = await createMeeting<OrganiserMeeting>(system, { ...startingIn(71) });
    await publishMeeting(system, meeting.id);
    const email = `persoon-${Date.now()}@example.org`;
    await registerAsOrganiser(system, meeting.id, {
      name: 'Fenna',
      email,
      organisation: 'Jongerenwerk Zwolle',
      role: 'jongerenwerker',
      municipality: 'Zwolle',
    });

    const trail = await auditTrail(`?email=${encodeURIComponent(email)}`);

    expect(trail.items).toHaveLength(1);
    expect(trail.items[0]).toMatchObject({
      kind: 'registration',
      action: 'POST /api/organiser/meetings/{id}/registrations',
      targetId: meeting.id,
      versionBefore: null,
      versionAfter: 1,
      personId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(JSON.stringify(trail)).not.toContain(email);
    expect(JSON.stringify(trail)).not.toContain('Fenna');
    const byId = await auditTrail(`?personId=${trail.items[0]?.personId}&kind=registration`);
    expect(byId.items.map((entry) => entry.entryId)).toEqual(trail.items.map((entry) => entry.entryId));
    expect((await auditTrail(`?personId=${trail.items[0]?.personId}&kind=mailing`)).items).toEqual([]);
  });

  it('pages newest first without missing or repeating an entry', async () => {
    const all = await auditTrail('?limit=100');
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AuditEntryBody[]; nextCursor: string | null } = await auditTrail(
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...page.items.map((entry) => entry.entryId));
      cursor = page.nextCursor;
    } while (cursor);

    expect(all.items.length).toBeGreaterThan(5);
    expect(paged).toEqual(all.items.map((entry) => entry.entryId));
    expect([...paged].sort().reverse()).toEqual(paged);
  });

  it('has one entry for every organiser write of this file, which the check at the end would miss otherwise', async () => {
    expect(await system.auditGaps()).toEqual([]);
    // The negative control: one entry gone, and the check names its write.
    const [entry] = (await auditTrail('?kind=meeting&limit=1')).items;
    const key = { PK: `AUDIT#${entry?.entryId}`, SK: 'AUDIT' };
    const { Item } = await system.documentClient.send(
      new GetCommand({ TableName: system.tableName, Key: key }),
    );
    await system.documentClient.send(new DeleteCommand({ TableName: system.tableName, Key: key }));
    expect(await system.auditGaps()).toEqual([expect.stringMatching(/: 0 entries$/)]);
    await system.documentClient.send(new PutCommand({ TableName: system.tableName, Item }));
    expect(await system.auditGaps()).toEqual([]);
    // And an entry no audited request wrote (as if a job or a public route were audited) is named too.
    const stray = { ...Item, PK: 'AUDIT#STRAY', requestId: 'not-a-request-of-this-file' };
    await system.documentClient.send(new PutCommand({ TableName: system.tableName, Item: stray }));
    expect(await system.auditGaps()).toEqual([expect.stringMatching(/an entry no audited request wrote$/)]);
    await system.documentClient.send(
      new DeleteCommand({ TableName: system.tableName, Key: { PK: 'AUDIT#STRAY', SK: 'AUDIT' } }),
    );
    expect(await system.auditGaps()).toEqual([]);
  });
});

describe('the suppression list, for admins', () => {
  const address = `complaint+beheer-${Date.now()}@simulator.amazonses.com`;
  const subscribe = () =>
    system.fetch(
      '/api/subscriptions',
      jsonRequest('POST', { email: address, name: 'Klager', topics: ['nieuwsbrief'], consent: true }),
    );
  const mailsTo = async () =>
    (await system.mailbox.list()).filter((mail) => mail.destination.to.includes(address)).length;
  interface SuppressionBody {
    personId: string;
    reason: string;
    suppressedAt: string;
  }
  const suppressions = async (query = '') => {
    const response = await system.fetchAsOrganiser(`/api/organiser/suppressions${query}`, {}, asAdmin);
    expect(response.status).toBe(200);
    return (await response.json()) as { items: SuppressionBody[]; nextCursor: string | null };
  };

  it('lists who is never mailed again by person id, and lets an admin lift one, audited', async () => {
    expect((await subscribe()).status).toBe(202);
    const suppressed = await waitFor(
      'the complaint to suppress the address',
      async () => (await suppressions(`?email=${encodeURIComponent(address)}`)).items[0],
      30_000,
    );
    expect(suppressed).toMatchObject({
      reason: 'complaint',
      personId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect((await suppressions()).items.map((item) => item.personId)).toContain(suppressed.personId);
    expect(JSON.stringify(await suppressions())).not.toContain('simulator');

    // Organisers may not; admins may.
    const refused = await system.fetchAsOrganiser(`/api/organiser/suppressions/${suppressed.personId}`, {
      method: 'DELETE',
    });
    expect(refused.status).toBe(403);
    expect((await suppressions(`?personId=${suppressed.personId}`)).items).toHaveLength(1);

    const lifted = await system.fetchAsOrganiser(
      `/api/organiser/suppressions/${suppressed.personId}`,
      { method: 'DELETE' },
      asAdmin,
    );
    expect(lifted.status).toBe(200);
    expect((await suppressions(`?personId=${suppressed.personId}`)).items).toEqual([]);
    const again = await system.fetchAsOrganiser(
      `/api/organiser/suppressions/${suppressed.personId}`,
      { method: 'DELETE' },
      asAdmin,
    );
    expect(again.status).toBe(404);

    // The next mail goes out again.
    const before = await mailsTo();
    expect((await subscribe()).status).toBe(202);
    await waitFor(
      'a mail after the lift',
      async () => ((await mailsTo()) > before ? true : undefined),
      30_000,
    );

    const trail = await auditTrail(`?personId=${suppressed.personId}&kind=suppression`);
    // Every look-up of this person is under them too, and the lift with what it removed.
    const lookUps = trail.items.filter((entry) => entry.action === 'GET /api/organiser/suppressions');
    expect(lookUps.length).toBeGreaterThanOrEqual(3);
    const lifts = trail.items.filter((entry) => entry.action !== 'GET /api/organiser/suppressions');
    expect(lifts.map(({ action, actor, changes }) => ({ action, actor: actor.subject, changes }))).toEqual([
      {
        action: 'DELETE /api/organiser/suppressions/{id}',
        actor: 'admin-ans',
        // Lifting removes the suppression: every field of it changed.
        changes: ['feedbackId', 'personId', 'reason', 'suppressedAt'],
      },
    ]);
    // One person's entries page through the person index as the whole trail pages through GSI1.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AuditEntryBody[]; nextCursor: string | null } = await auditTrail(
        `?personId=${suppressed.personId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...page.items.map((entry) => entry.entryId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(
      (await auditTrail(`?personId=${suppressed.personId}`)).items.map((entry) => entry.entryId),
    );
    expect(paged.length).toBeGreaterThanOrEqual(4);
    const reads = (await auditTrail('?kind=suppression&limit=100')).items.filter(
      (entry) => entry.action === 'GET /api/organiser/suppressions',
    );
    expect(reads.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a cursor or a person id that is not of the list', async () => {
    const badCursor = await system.fetchAsOrganiser('/api/organiser/suppressions?cursor=abc', {}, asAdmin);
    expect(((await badCursor.json()) as ProblemBody).errors?.[0]?.field).toBe('cursor');
    const badPerson = await system.fetchAsOrganiser(
      '/api/organiser/suppressions/not-a-person',
      { method: 'DELETE' },
      asAdmin,
    );
    expect(badPerson.status).toBe(404);
  });
});

describe('the API describes itself', () => {
  it('at /api/openapi.json (the document as built) and /api/docs (every route), /api leading there', async () => {
    const root = await fetch(`${system.baseUrl}/api`, { redirect: 'manual' });
    expect(root.status).toBe(301);
    expect(root.headers.get('location')).toBe('/api/docs');

    const document = await fetch(`${system.baseUrl}/api/openapi.json`);
    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await document.json()).toEqual(
      JSON.parse(readFileSync('functions/contract/openapi.json', 'utf8')),
    );

    const docs = await fetch(`${system.baseUrl}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // A page's policy (no script; the site's and the docs' styles by hash), not the API's `default-src 'none'`.
    const policy = docs.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/^default-src 'none'; style-src 'sha256-[^']+' 'sha256-[^']+';/);
    expect(policy).not.toContain('script-src');
    const html = await docs.text();
    for (const route of routes) expect(html, routeKey(route)).toContain(`<code>${routeKey(route)}</code>`);
  });
});
