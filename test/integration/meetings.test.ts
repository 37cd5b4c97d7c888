import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { PersonIds } from '../../functions/core/people/person-id';
import {
  createMeeting,
  jsonRequest,
  publishMeeting,
  registerAsOrganiser,
  registerThroughMail,
} from '../support/meetings-api';
import { recordCount } from '../support/record-count';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

const hour = 3_600_000;
const day = 24 * hour;
/** Items in the table once what earlier steps set off (outbox mails and jobs, schedules) has settled. */
/** The records the table holds once the outbox has settled. */
const itemCount = async () => {
  await system.outboxSettled();
  return recordCount(system);
};

interface OrganiserMeeting {
  id: string;
  version: number;
  status: string;
  capacity: number;
  confirmedCount: number;
  waitingCount: number;
}

/** A draft of this file's meeting; the start written with an offset, as organisers may. */
const draftMeeting = (overrides: Record<string, unknown> = {}) => {
  const startsAt = new Date(Date.now() + 10 * day);
  return createMeeting<OrganiserMeeting>(system, {
    title: 'Kennisnetwerk Eindhoven: de online leefwereld van jongeren',
    description: 'Verdieping in de signalerende rol van het jongerenwerk.\n\nMet praktijkvoorbeelden.',
    startsAt: startsAt.toISOString().replace('Z', '+00:00'),
    endsAt: new Date(startsAt.getTime() + 3 * hour).toISOString(),
    capacity: 2,
    ...overrides,
  });
};
const publish = (id: string) => publishMeeting<OrganiserMeeting>(system, id);
/** A registration request through the public API (answered 202 "check je mail", or a 4xx). */
const requestToRegister = (id: string, body: Record<string, unknown>) =>
  system.fetch(`/api/meetings/${id}/registrations`, jsonRequest('POST', body));
/** Registered by an organiser: the setup of tests about something else. */
const register = (id: string, body: Record<string, unknown>) => registerAsOrganiser(system, id, body);
const person = (name: string) => ({
  name,
  email: `${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now()}@example.org`,
  organisation: 'Jongerenwerk Eindhoven',
  role: 'jongerenwerker',
  municipality: 'Eindhoven',
});

describe('organisers manage meetings', () => {
  it('a draft is invisible to the public until published', async () => {
    const draft = await draftMeeting();

    expect((await system.fetch(`/api/meetings/${draft.id}`)).status).toBe(404);
    expect((await system.fetch(`/bijeenkomsten/${draft.id}`)).status).toBe(404);
    await publish(draft.id);
    expect((await system.fetch(`/api/meetings/${draft.id}`)).status).toBe(200);
    const page = await (await system.fetch(`/bijeenkomsten/${draft.id}`)).text();
    expect(page).toContain('Kennisnetwerk Eindhoven');
    expect(page).toContain('we verwijderen het 30 dagen na de bijeenkomst');
  });

  it('updates need If-Match: 428 without, 412 when stale; capacity below the confirmed count is 409', async () => {
    const meeting = await publish((await draftMeeting()).id);
    await register(meeting.id, person('Eerste'));
    await register(meeting.id, person('Tweede'));
    const url = `/api/organiser/meetings/${meeting.id}`;

    expect((await system.fetchAsOrganiser(url, jsonRequest('PATCH', { capacity: 3 }))).status).toBe(428);
    expect(
      (await system.fetchAsOrganiser(url, jsonRequest('PATCH', { capacity: 3 }, { 'if-match': '"1"' })))
        .status,
    ).toBe(412);
    const current = await system.fetchAsOrganiser(url);
    const etag = current.headers.get('etag') ?? '';
    const lower = await system.fetchAsOrganiser(
      url,
      jsonRequest('PATCH', { capacity: 1 }, { 'if-match': etag }),
    );
    expect(lower.status).toBe(409);
    expect(lower.headers.get('content-type')).toContain('application/problem+json');
    const local = await system.fetchAsOrganiser(
      url,
      jsonRequest('PATCH', { startsAt: '2027-03-28T13:30:00' }, { 'if-match': etag }),
    );
    expect(local.status).toBe(400);
  });

  it('raising the capacity promotes the people waiting, first come first', async () => {
    const meeting = await publish((await draftMeeting({ capacity: 1 })).id);
    await register(meeting.id, person('Zit'));
    const first = person('Wacht Een');
    const second = person('Wacht Twee');
    expect(await registerThroughMail(system, meeting.id, first)).toEqual({
      status: 'waiting',
      position: 1,
      already: false,
    });
    expect(await registerThroughMail(system, meeting.id, second)).toEqual({
      status: 'waiting',
      position: 2,
      already: false,
    });
    const url = `/api/organiser/meetings/${meeting.id}`;
    const etag = (await system.fetchAsOrganiser(url)).headers.get('etag') ?? '';

    const raised = await system.fetchAsOrganiser(
      url,
      jsonRequest('PATCH', { capacity: 2 }, { 'if-match': etag }),
    );

    expect(raised.status).toBe(200);
    expect(await raised.json()).toMatchObject({ capacity: 2, confirmedCount: 2, waitingCount: 1 });
    expect(await register(meeting.id, second)).toMatchObject({
      status: 'waiting',
      position: 1,
      already: true,
    });
    await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(first.email) && /plaats vrij/.test(mail.subject),
    );
  });
});

describe('registering', () => {
  it('an organiser registers someone at once, with the usual mail; over capacity only an admin, adding the seat', async () => {
    const meeting = await publish((await draftMeeting({ capacity: 1, waitingListEnabled: false })).id);
    const url = `/api/organiser/meetings/${meeting.id}/registrations`;
    const first = person('Telefoon');

    const created = await system.fetchAsOrganiser(url, jsonRequest('POST', first));
    const again = await system.fetchAsOrganiser(url, jsonRequest('POST', first));
    const before = await itemCount();
    const full = await system.fetchAsOrganiser(url, jsonRequest('POST', person('Vol')));
    const notAdmin = await system.fetchAsOrganiser(
      url,
      jsonRequest('POST', { ...person('Extra'), overCapacity: true }),
    );
    // Refused: full, and over capacity without being an admin; neither writes anything.
    expect(await itemCount()).toBe(before);
    const byAdmin = await system.fetchAsOrganiser(
      url,
      jsonRequest('POST', { ...person('Extra'), overCapacity: true }),
      { groups: ['admins'] },
    );

    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ status: 'confirmed', already: false });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'confirmed', already: true });
    expect(full.status).toBe(409);
    expect(notAdmin.status).toBe(403);
    expect(byAdmin.status).toBe(201);
    const current = (await (
      await system.fetchAsOrganiser(`/api/organiser/meetings/${meeting.id}`)
    ).json()) as OrganiserMeeting;
    expect(current).toMatchObject({ capacity: 2, confirmedCount: 2 });
    await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(first.email) && /^Je bent aangemeld/.test(mail.subject),
    );
  });

  it('registering again creates nothing and answers the same way', async () => {
    const meeting = await publish((await draftMeeting({ capacity: 5 })).id);
    const someone = person('Ayşe');

    const first = await registerThroughMail(system, meeting.id, someone);
    await system.outboxSettled();
    const before = await itemCount();
    const second = await requestToRegister(meeting.id, someone);
    const stranger = await requestToRegister(meeting.id, person('Onbekend'));

    expect(first).toEqual({ status: 'confirmed', position: null, already: false });
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual(await stranger.json());
    // The registration again, by mail (with its cancel link), and no second registration.
    await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(someone.email) && /^Je bent aangemeld/.test(mail.subject),
    );
    await system.outboxSettled();
    // The stranger's request (the registered person's was deleted by its job), the two requests' jobs, the
    // stranger's mail rate (the other person's existed), two mails (the outbox entries): nothing else.
    const after = await itemCount();
    expect((after ?? 0) - (before ?? 0)).toBe(6);
    const exported = await system.fetchAsOrganiser(
      `/api/organiser/meetings/${meeting.id}/registrations.json`,
    );
    expect(((await exported.json()) as { registrations: unknown[] }).registrations).toHaveLength(1);
  });

  // One instant for the whole table: two readings of the clock a millisecond apart made the past meeting's
  // registration close after its start (a 400 at creation, once in CI).
  const now = Date.now();
  it.each([
    ['registration not open yet', { registrationOpensAt: new Date(now + day).toISOString() }, 409],
    [
      'registration closed',
      {
        registrationOpensAt: new Date(now - 2 * day).toISOString(),
        registrationClosesAt: new Date(now - day).toISOString(),
      },
      409,
    ],
    [
      'a past meeting',
      {
        startsAt: new Date(now - 2 * day).toISOString(),
        endsAt: new Date(now - 2 * day + 3 * hour).toISOString(),
        registrationOpensAt: new Date(now - 5 * day).toISOString(),
        registrationClosesAt: new Date(now - 2 * day).toISOString(),
      },
      409,
    ],
  ])('%s → a clear 4xx and nothing written', async (_, overrides, status) => {
    const meeting = await publish((await draftMeeting(overrides)).id);
    const before = await itemCount();

    const response = await requestToRegister(meeting.id, person('Te Laat'));

    expect(response.status).toBe(status);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/Aanmelden/);
    expect(await itemCount()).toBe(before);
  });

  it('a cancelled meeting, a full one without waiting list and bad bodies → 4xx, nothing written', async () => {
    const full = await publish((await draftMeeting({ capacity: 1, waitingListEnabled: false })).id);
    await register(full.id, person('Enige'));
    const cancelled = await publish((await draftMeeting()).id);
    await system.fetchAsOrganiser(`/api/organiser/meetings/${cancelled.id}/cancel`, { method: 'POST' });
    const open = await publish((await draftMeeting()).id);
    const before = await itemCount();

    expect((await requestToRegister(full.id, person('Teveel'))).status).toBe(409);
    expect((await requestToRegister(cancelled.id, person('Laat'))).status).toBe(409);
    expect((await requestToRegister(open.id, { ...person('Geen Rol'), role: undefined })).status).toBe(400);
    expect((await requestToRegister(open.id, { ...person('Rare Rol'), role: 'directeur' })).status).toBe(400);
    expect((await requestToRegister(open.id, { ...person('X'), name: 'Naam\r\nBcc: x' })).status).toBe(400);
    expect((await requestToRegister(open.id, { ...person('X'), extra: 1 })).status).toBe(400);
    expect(
      (
        await system.fetch(`/api/meetings/${open.id}/registrations`, {
          method: 'POST',
          body: '{',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect((await requestToRegister('bestaat-niet', person('Niemand'))).status).toBe(404);
    expect(await itemCount()).toBe(before);
  });

  it('the form re-renders with the values kept when an answer is missing', async () => {
    const meeting = await publish((await draftMeeting()).id);
    const form = new URLSearchParams({
      name: 'Dilly Timmer',
      email: 'dilly@example.org',
      organisation: 'SWN',
      dietary: 'Vegetarisch',
    });
    const before = await itemCount();

    const response = await system.fetch(`/bijeenkomsten/${meeting.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });

    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('value="Dilly Timmer"');
    expect(page).toContain('Vegetarisch');
    expect(page).toMatch(/Kies je rol|rol/);
    expect(await itemCount()).toBe(before);
  });
});

describe('special-category answers', () => {
  it('are kept apart from the registration and expire 30 days after the meeting ends', async () => {
    const created = await draftMeeting({ capacity: 5 });
    await publish(created.id);
    const someone = { ...person('Needs'), dietary: 'Halal', accessibility: 'Rolstoel' };
    await register(created.id, someone);
    const personId = new PersonIds(process.env.TOKEN_SECRET ?? '').of(someone.email);
    const meeting = (await (
      await system.fetchAsOrganiser(`/api/organiser/meetings/${created.id}`)
    ).json()) as {
      endsAt: string;
    };

    const { Item: needs } = await system.documentClient.send(
      new GetCommand({ TableName: system.tableName, Key: keys.registrationNeeds(created.id, personId) }),
    );
    const { Item: registration } = await system.documentClient.send(
      new GetCommand({ TableName: system.tableName, Key: keys.registration(created.id, personId) }),
    );

    expect(needs).toMatchObject({ dietary: 'Halal', accessibility: 'Rolstoel' });
    expect(needs?.expiresAt).toBe(Math.floor(Date.parse(meeting.endsAt) / 1000) + 30 * 86400);
    expect(JSON.stringify(registration)).not.toMatch(/Halal|Rolstoel/);
    expect(registration?.expiresAt).toBeUndefined();

    // Cancelling takes them away at once.
    const confirmation = await system.mailbox.waitFor((mail) => mail.destination.to.includes(someone.email));
    const cancelUrl = new URL(
      confirmation.body.text?.match(/http:\/\/\S+\/bijeenkomsten\/afmelden\?token=\S+/)?.[0] ?? '',
    );
    expect((await system.fetch(`${cancelUrl.pathname}${cancelUrl.search}`, { method: 'POST' })).status).toBe(
      200,
    );
    const { Item: afterCancel } = await system.documentClient.send(
      new GetCommand({ TableName: system.tableName, Key: keys.registrationNeeds(created.id, personId) }),
    );
    expect(afterCancel).toBeUndefined();
  });
});

describe('exports', () => {
  it('the CSV opens in Dutch Excel: BOM, semicolons, accents intact, formulas neutralised', async () => {
    const meeting = await publish((await draftMeeting({ capacity: 5 })).id);
    await register(meeting.id, { ...person('X'), name: '=1+1' });
    await register(meeting.id, { ...person('Y'), name: 'Zoë Daniël Anaïs' });

    const response = await system.fetchAsOrganiser(`/api/organiser/meetings/${meeting.id}/registrations.csv`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    const [header, ...rows] = lines.map((line) => line.split(';'));
    expect(header?.[0]).toBe('Naam');
    expect(header?.[1]).toBe('E-mailadres');
    const names = rows.map((row) => row[0]);
    expect(names).toContain("'=1+1");
    expect(names).toContain('Zoë Daniël Anaïs');
  });
});
