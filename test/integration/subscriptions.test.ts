import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { PersonIds } from '../../functions/core/people/person-id';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { paths } from '../../functions/paths';
import { type MailingRecipientVia, mailingRecipientLinks } from '../../functions/web/mail/mailing-links';
import { mailHeader, type StoredMail } from '../../local/engines/ses-emulator';
import { FixedClock } from '../support/in-memory-ports';
import { recordCount } from '../support/record-count';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
let personIds: PersonIds;
let secret: string;
beforeAll(async () => {
  system = await startTestSystem();
  secret = process.env.TOKEN_SECRET ?? '';
  personIds = new PersonIds(secret);
});
afterAll(() => system?.stop());

let counter = 0;
const newAddress = () => `lezer-${Date.now()}-${++counter}@example.org`;

const subscribeApi = (
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) =>
  system.fetch('/api/subscriptions', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const postForm = (path: string, fields: Record<string, string | string[]>) => {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of [value].flat()) form.append(name, one);
  }
  return system.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
};

const mailsTo = (address: string) => system.mailbox.to(address);
const waitForMail = (address: string, subject: RegExp) =>
  system.mailbox.waitFor((mail) => mail.destination.to.includes(address) && subject.test(mail.subject));
/**
 * Lets the relay deliver anything still in the outbox before a test asserts what came: a mail is written to
 * the outbox in the transaction the answer waited for, so once the outbox has nothing pending, every mail
 * the request caused is in the mailbox (without this wait, two of the tests below fail).
 */
const settle = () => system.outboxSettled();

const linkIn = (mail: StoredMail, path: string): string => {
  const match = (mail.body.text ?? '').match(new RegExp(`${system.baseUrl}${path}\\?token=[\\w.%-]+`));
  if (!match) throw new Error(`No ${path} link in the mail`);
  return match[0];
};
const pathOf = (url: string) => url.slice(system.baseUrl.length);

const organiserList = async (status: string) => {
  const response = await system.fetchAsOrganiser(`/api/organiser/subscribers?status=${status}&limit=100`);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    items: { email: string | null; name: string | null; status: string; topics: string[] }[];
  };
};
const subscriptionItem = async (email: string) =>
  (
    await system.documentClient.send(
      new GetCommand({
        TableName: system.tableName,
        Key: keys.subscription(personIds.of(email)),
        ConsistentRead: true,
      }),
    )
  ).Item;
/** Pending and active subscribers are listed with their address; an unsubscribed one no longer has one. */
const statusOf = async (email: string) => {
  for (const status of ['pending', 'active']) {
    if ((await organiserList(status)).items.some((item) => item.email === email)) return status;
  }
  const item = await subscriptionItem(email);
  if (item?.status !== 'unsubscribed') return 'none';
  expect(item).not.toHaveProperty('email');
  expect(item).not.toHaveProperty('name');
  return 'unsubscribed';
};
const itemCount = () => recordCount(system);

describe('the subscription journey through the HTTP layer', () => {
  it('subscribe → opt-in mail → GET keeps pending → POST confirms → welcome with unsubscribe headers → one-click', async () => {
    const email = newAddress();

    const accepted = await subscribeApi({
      email,
      name: 'Dilly Timmer',
      topics: ['bijeenkomsten'],
      consent: true,
    });
    expect(accepted.status).toBe(202);

    const optIn = await waitForMail(email, /Bevestig/);
    expect(optIn.body.html).toContain('<html lang="nl">');
    expect(optIn.body.text).toContain('Beste Dilly Timmer,');
    const confirmUrl = linkIn(optIn, paths.confirmSubscription);

    const confirmPage = await system.fetch(pathOf(confirmUrl));
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.headers.get('referrer-policy')).toBe('no-referrer');
    expect(confirmPage.headers.get('cache-control')).toBe('no-store');
    const confirmHtml = await confirmPage.text();
    expect(confirmHtml).toContain('Aanmelding bevestigen');
    expect(confirmHtml).not.toContain(new URL(confirmUrl).searchParams.get('token'));
    expect(await statusOf(email)).toBe('pending');

    const confirmed = await system.fetch(pathOf(confirmUrl), { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Je aanmelding is bevestigd');
    expect(await statusOf(email)).toBe('active');

    const welcome = await waitForMail(email, /Welkom/);
    const unsubscribeUrl = mailHeader(welcome, 'List-Unsubscribe')?.replace(/^<|>$/g, '') ?? '';
    expect(unsubscribeUrl).toMatch(new RegExp(`^${system.baseUrl}${paths.unsubscribe}\\?token=`));
    expect(mailHeader(welcome, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    const oneClick = await postForm(pathOf(unsubscribeUrl), { 'List-Unsubscribe': 'One-Click' });
    expect(oneClick.status).toBe(200);
    expect(await statusOf(email)).toBe('unsubscribed');
    const unsubscribed = (await organiserList('unsubscribed')).items;
    expect(unsubscribed.length).toBeGreaterThan(0);
    expect(unsubscribed.every((item) => item.email === null && item.name === null)).toBe(true);

    const multipart = new FormData();
    multipart.append('List-Unsubscribe', 'One-Click');
    const again = await system.fetch(pathOf(unsubscribeUrl), { method: 'POST', body: multipart });
    expect(again.status).toBe(200);
    await settle();
    expect((await mailsTo(email)).map((mail) => mail.subject)).toHaveLength(2);
  });

  it('confirming twice sends one welcome mail', async () => {
    const email = newAddress();
    await subscribeApi({ email, consent: true });
    const confirmPath = pathOf(linkIn(await waitForMail(email, /Bevestig/), paths.confirmSubscription));

    expect((await system.fetch(confirmPath, { method: 'POST' })).status).toBe(200);
    expect((await system.fetch(confirmPath, { method: 'POST' })).status).toBe(200);
    await waitForMail(email, /Welkom/);
    await settle();

    expect((await mailsTo(email)).filter((mail) => /Welkom/.test(mail.subject))).toHaveLength(1);
  });

  it('keeps topics and name through the preferences page, and unsubscribes from there', async () => {
    const email = newAddress();
    await subscribeApi({ email, consent: true });
    await system.fetch(pathOf(linkIn(await waitForMail(email, /Bevestig/), paths.confirmSubscription)), {
      method: 'POST',
    });
    const preferencesPath = pathOf(linkIn(await waitForMail(email, /Welkom/), paths.preferences));

    const saved = await postForm(preferencesPath, {
      name: 'Ayşe',
      topics: ['publicaties', 'bijeenkomsten'],
      action: 'save',
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Je voorkeuren zijn opgeslagen');
    const active = (await organiserList('active')).items.find((item) => item.email === email);
    expect(active?.topics.sort()).toEqual(['bijeenkomsten', 'publicaties']);

    const invalid = await postForm(preferencesPath, { name: 'Ayşe\r\nBcc: x', topics: [] });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('Controleer het formulier');

    const gone = await postForm(preferencesPath, { action: 'unsubscribe' });
    expect(gone.status).toBe(200);
    expect(await statusOf(email)).toBe('unsubscribed');
  });
});

describe('every state gets the same answer', () => {
  const answerOf = async (email: string) => {
    const response = await subscribeApi({ email, consent: true });
    return { status: response.status, body: await response.text() };
  };

  it('new, pending, active, unsubscribed and suppressed: one answer, the listed effect', async () => {
    const fresh = newAddress();
    const first = await answerOf(fresh);
    await waitForMail(fresh, /Bevestig/);
    expect(await statusOf(fresh)).toBe('pending');

    expect(await answerOf(fresh)).toEqual(first); // pending → the opt-in again
    await settle();
    const optIns = (await mailsTo(fresh)).filter((mail) => /Bevestig/.test(mail.subject));
    expect(optIns).toHaveLength(2);

    await system.fetch(pathOf(linkIn(optIns[1] as StoredMail, paths.confirmSubscription)), {
      method: 'POST',
    });
    expect(await answerOf(fresh)).toEqual(first); // active → a link to the preferences, no change
    await waitForMail(fresh, /al aangemeld/);
    expect(await statusOf(fresh)).toBe('active');
    const rateLimited = await answerOf(fresh); // the fourth mail this hour: same answer, nothing sent
    expect(rateLimited).toEqual(first);

    const suppressed = newAddress();
    await system.documentClient.send(
      new PutCommand({
        TableName: system.tableName,
        Item: { ...keys.suppression(personIds.of(suppressed)), entity: 'Suppression', reason: 'bounce' },
      }),
    );
    expect(await answerOf(suppressed)).toEqual(first);

    await settle();
    // Two opt-ins, the welcome after confirming and the link to the preferences: the fourth request this hour sent nothing.
    expect((await mailsTo(fresh)).map((mail) => mail.subject)).toHaveLength(4);
    expect(await mailsTo(suppressed)).toEqual([]);
    expect(await statusOf(suppressed)).toBe('none');
  });

  it('an unsubscribed address starts again with a new opt-in', async () => {
    const email = newAddress();
    await subscribeApi({ email, consent: true });
    await system.fetch(pathOf(linkIn(await waitForMail(email, /Bevestig/), paths.confirmSubscription)), {
      method: 'POST',
    });
    const welcome = await waitForMail(email, /Welkom/);
    await postForm(pathOf(linkIn(welcome, paths.unsubscribe)), { 'List-Unsubscribe': 'One-Click' });

    expect((await subscribeApi({ email, consent: true })).status).toBe(202);
    await settle();
    expect((await mailsTo(email)).filter((mail) => /Bevestig/.test(mail.subject))).toHaveLength(2);
    expect(await statusOf(email)).toBe('pending');
  });

  it('a filled honeypot gets the normal page and nothing is written or sent', async () => {
    const email = newAddress();
    const before = await itemCount();

    const response = await postForm(paths.newsletter, {
      email,
      topics: 'nieuwsbrief',
      consent: 'true',
      consentVersion: '2026-11-28',
      website: 'https://spam.example.com',
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Kijk in je mail');
    await settle();
    expect(await itemCount()).toBe(before);
    expect(await mailsTo(email)).toEqual([]);
  });
});

describe('bad input writes and sends nothing', () => {
  const expectNothingFor = async (email: string, before: number | undefined) => {
    await settle();
    expect(await itemCount()).toBe(before);
    expect(await mailsTo(email)).toEqual([]);
  };

  it.each([
    ['malformed JSON', '{"email":', { 'content-type': 'application/json' }, 400, 'malformed-body'],
    [
      'a wrong content type',
      { email: 'x@example.org', consent: true },
      { 'content-type': 'text/plain' },
      415,
      'unsupported-media-type',
    ],
    ['an invalid address', { email: 'geen-adres', consent: true }, undefined, 400, 'invalid-input'],
    [
      'a 100 KB body',
      { email: 'x@example.org', consent: true, name: 'x'.repeat(100_000) },
      undefined,
      413,
      'payload-too-large',
    ],
    [
      'CR/LF in the name',
      { email: 'x@example.org', consent: true, name: 'Dilly\r\nBcc: a@example.org' },
      undefined,
      400,
      'invalid-input',
    ],
    [
      'an unknown topic',
      { email: 'x@example.org', consent: true, topics: ['sport'] },
      undefined,
      400,
      'invalid-input',
    ],
    ['consent missing', { email: 'x@example.org' }, undefined, 400, 'invalid-input'],
    [
      'a name over 100 characters',
      { email: 'x@example.org', consent: true, name: 'x'.repeat(101) },
      undefined,
      400,
      'invalid-input',
    ],
  ])('the API answers %s with problem+json', async (_, body, headers, status, type) => {
    const before = await itemCount();

    const response = await subscribeApi(body, headers);

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(((await response.json()) as { type: string }).type).toBe(`urn:dropin:problem:${type}`);
    await expectNothingFor('x@example.org', before);
  });

  it('the form re-renders with a summary, a message at each field and the values kept', async () => {
    const before = await itemCount();

    const response = await postForm(paths.newsletter, {
      email: 'geen-adres',
      name: 'Dilly <b>Timmer</b>',
      topics: ['publicaties'],
      consentVersion: '2026-11-28',
    });

    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Controleer het formulier');
    expect(page).toMatch(/id="email-error"/);
    expect(page).toMatch(/id="consent-error"/);
    expect(page).toContain('value="geen-adres"');
    expect(page).toContain('value="Dilly &#60;b&#62;Timmer&#60;/b&#62;"');
    expect(page).toMatch(/value="publicaties" checked/);
    expect(page).not.toMatch(/value="nieuwsbrief" checked/);
    await expectNothingFor('geen-adres', before);
  });

  it('asks for consent again, box unticked, when the consent text changed since the form was loaded', async () => {
    const before = await itemCount();

    const response = await postForm(paths.newsletter, {
      email: 'ook-geen-adres',
      topics: ['publicaties'],
      consent: 'true',
      consentVersion: '2000-01-01',
    });

    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toMatch(/id="consent-error">De toestemmingstekst is intussen gewijzigd/);
    expect(page).toMatch(/id="email-error"/);
    expect(page).not.toMatch(/id="consent-true"[^>]*checked/);
    await expectNothingFor('ook-geen-adres', before);
  });

  it('refuses a tampered, an expired and a wrong-purpose token with a Dutch page and changes nothing', async () => {
    const email = newAddress();
    await subscribeApi({ email, consent: true });
    const confirmUrl = new URL(linkIn(await waitForMail(email, /Bevestig/), paths.confirmSubscription));
    const token = confirmUrl.searchParams.get('token') ?? '';
    const personId = personIds.of(email);
    // The real confirmation, signed 8 days ago for 7: nothing but the token's own expiry refuses it.
    const expired = new TokenSigner(
      fixedLinkKeys(secret),
      new FixedClock(new Date(Date.now() - 8 * 86400_000)),
    ).sign('confirm-subscription', `${personId}.${(await subscriptionItem(email))?.confirmationId}`, {
      ttlSeconds: 7 * 86400,
    });
    const wrongPurpose = new TokenSigner(fixedLinkKeys(secret), new FixedClock(new Date())).sign(
      'unsubscribe',
      personId,
      {
        ttlSeconds: null,
      },
    );
    const before = await itemCount();

    for (const bad of [`${token.slice(0, -3)}abc`, expired, wrongPurpose, '']) {
      for (const method of ['GET', 'POST']) {
        const response = await system.fetch(`${paths.confirmSubscription}?token=${encodeURIComponent(bad)}`, {
          method,
        });
        expect(response.status, `${method} ${bad.slice(0, 12)}`).toBe(400);
        const page = await response.text();
        expect(page).toContain('<html lang="nl">');
        expect(page).toMatch(/link is (ongeldig|verlopen)/);
      }
    }
    expect(await itemCount()).toBe(before);
    expect(await statusOf(email)).toBe('pending');
  });
});

describe('state that outlives a valid link', () => {
  it('refuses a link that is still valid once its pending subscription expired', async () => {
    const email = newAddress();
    await subscribeApi({ email, consent: true });
    const confirmPath = pathOf(linkIn(await waitForMail(email, /Bevestig/), paths.confirmSubscription));
    // Expired a second ago; reads must treat it as gone before TTL deletes it (late, in AWS days late).
    await system.documentClient.send(
      new UpdateCommand({
        TableName: system.tableName,
        Key: keys.subscription(personIds.of(email)),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );

    const response = await system.fetch(confirmPath, { method: 'POST' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Deze link is verlopen');
    expect((await subscriptionItem(email))?.status).toBe('pending');
    await settle();
    expect((await mailsTo(email)).filter((mail) => /Welkom/.test(mail.subject))).toEqual([]);
  });
});

describe('organiser lists', () => {
  it('need an organiser, page with a cursor, and refuse a foreign cursor', async () => {
    expect((await system.fetch('/api/organiser/subscribers')).status).toBe(401);
    expect((await system.fetchAsOrganiser('/api/organiser/subscribers', {}, { groups: [] })).status).toBe(
      403,
    );

    const first = await system.fetchAsOrganiser('/api/organiser/subscribers?status=pending&limit=1');
    const page = (await first.json()) as { items: unknown[]; nextCursor: string | null };
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
    const second = await system.fetchAsOrganiser(
      `/api/organiser/subscribers?status=pending&limit=1&cursor=${page.nextCursor}`,
    );
    expect(second.status).toBe(200);
    expect(((await second.json()) as { items: unknown[] }).items).not.toEqual(page.items);

    const foreign = await system.fetchAsOrganiser(
      `/api/organiser/subscribers?status=active&cursor=${page.nextCursor}`,
    );
    expect(foreign.status).toBe(400);
    expect((await system.fetchAsOrganiser('/api/organiser/subscribers?status=weg')).status).toBe(400);
  });

  it('count per status and topic, in step with the lists', async () => {
    const response = await system.fetchAsOrganiser('/api/organiser/subscribers/counts');
    const counts = (await response.json()) as Record<string, Record<string, number>>;

    expect(counts.active?.total).toBe((await organiserList('active')).items.length);
    expect(counts.pending?.total).toBe((await organiserList('pending')).items.length);
    expect(counts.unsubscribed?.total).toBe((await organiserList('unsubscribed')).items.length);
    const activeBijeenkomsten = (await organiserList('active')).items.filter((i) =>
      i.topics.includes('bijeenkomsten'),
    );
    expect(counts.active?.bijeenkomsten).toBe(activeBijeenkomsten.length);
  });
});

describe("a mailing's one-click unsubscribe links", () => {
  const signer = () => new TokenSigner(fixedLinkKeys(secret), new FixedClock(new Date()));
  const linksFor = (personId: string, via: MailingRecipientVia) =>
    mailingRecipientLinks({ tokens: signer(), siteUrl: system.baseUrl }, personId, via);
  const activeSubscriber = async (topics: string[]) => {
    const email = newAddress();
    await subscribeApi({ email, name: 'Dilly Timmer', topics, consent: true });
    await system.fetch(pathOf(linkIn(await waitForMail(email, /Bevestig/), paths.confirmSubscription)), {
      method: 'POST',
    });
    expect(await statusOf(email)).toBe('active');
    return { email, personId: personIds.of(email) };
  };
  const oneClick = (url: string) => postForm(pathOf(url), { 'List-Unsubscribe': 'One-Click' });
  const getItem = async (key: { PK: string; SK: string }) =>
    (
      await system.documentClient.send(
        new GetCommand({ TableName: system.tableName, Key: key, ConsistentRead: true }),
      )
    ).Item;
  const counters = async () => (await getItem(keys.subscriberCounts())) ?? {};
  const expectTokenPage = async (response: Response, url: string) => {
    expect(response.status).toBe(200);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).not.toContain(new URL(url).searchParams.get('token'));
    return text;
  };

  it('for topics: the page says which, one click leaves exactly those, the last ones unsubscribe', async () => {
    const { email, personId } = await activeSubscriber(['nieuwsbrief', 'bijeenkomsten', 'publicaties']);
    const { unsubscribeUrl } = linksFor(personId, { kind: 'topics', topics: ['nieuwsbrief', 'publicaties'] });
    const before = await counters();

    const shown = await expectTokenPage(await system.fetch(pathOf(unsubscribeUrl)), unsubscribeUrl);
    expect(shown).toContain('Wil je geen berichten meer ontvangen over de nieuwsbrief en publicaties?');
    expect((await subscriptionItem(email))?.topics).toHaveLength(3);

    const done = await expectTokenPage(await oneClick(unsubscribeUrl), unsubscribeUrl);
    expect(done).toContain('Je ontvangt geen berichten meer over de nieuwsbrief en publicaties.');
    expect(await subscriptionItem(email)).toMatchObject({
      status: 'active',
      email,
      name: 'Dilly Timmer',
      topics: ['bijeenkomsten'],
    });
    expect(await getItem(keys.topicMember('nieuwsbrief', personId))).toBeUndefined();
    expect(await getItem(keys.topicMember('publicaties', personId))).toBeUndefined();
    expect(await getItem(keys.topicMember('bijeenkomsten', personId))).toMatchObject({ email });
    const after = await counters();
    expect({
      active: after.active - before.active,
      nieuwsbrief: after['active#nieuwsbrief'] - before['active#nieuwsbrief'],
      publicaties: after['active#publicaties'] - before['active#publicaties'],
      bijeenkomsten: after['active#bijeenkomsten'] - before['active#bijeenkomsten'],
    }).toEqual({ active: 0, nieuwsbrief: -1, publicaties: -1, bijeenkomsten: 0 });
    expect((await oneClick(unsubscribeUrl)).status).toBe(200);
    expect((await subscriptionItem(email))?.topics).toEqual(['bijeenkomsten']);

    const last = linksFor(personId, { kind: 'topics', topics: ['bijeenkomsten'] }).unsubscribeUrl;
    expect(await expectTokenPage(await oneClick(last), last)).toContain('Je bent afgemeld');
    expect(await statusOf(email)).toBe('unsubscribed');
    expect(await getItem(keys.topicMember('bijeenkomsten', personId))).toBeUndefined();
  });

  it('for meeting participants: the page says what stops and what stays, one click sets the flag once', async () => {
    const participant = personIds.of(newAddress());
    const { unsubscribeUrl } = linksFor(participant, { kind: 'meeting' });

    const shown = await expectTokenPage(await system.fetch(pathOf(unsubscribeUrl)), unsubscribeUrl);
    expect(shown).toContain(
      'je krijgt dan geen mailings meer die organisatoren aan deelnemers van bijeenkomsten sturen',
    );
    expect(shown).toContain('Bevestigingen, herinneringen, wijzigingen en afzeggingen');
    expect(await getItem(keys.person(participant))).toBeUndefined();

    const done = await expectTokenPage(await oneClick(unsubscribeUrl), unsubscribeUrl);
    expect(done).toContain(
      'Je krijgt geen mailings meer die organisatoren aan deelnemers van bijeenkomsten sturen.',
    );
    const person = await getItem(keys.person(participant));
    expect(person).toMatchObject({
      ...keys.personListing(participant, 'person'),
      meetingMailingsOptOutAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(person).not.toHaveProperty('email');

    expect((await oneClick(unsubscribeUrl)).status).toBe(200);
    expect((await getItem(keys.person(participant)))?.meetingMailingsOptOutAt).toBe(
      person?.meetingMailingsOptOutAt,
    );
    expect(await getItem(keys.subscription(participant))).toBeUndefined();
  });

  it('for a subscriber who is also a participant: the flag only, and the preferences turn it back on', async () => {
    const { email, personId } = await activeSubscriber(['nieuwsbrief']);
    const preferencesPath = pathOf(linksFor(personId, { kind: 'meeting' }).preferencesUrl);
    expect(await (await system.fetch(preferencesPath)).text()).not.toContain(
      'Mailings aan deelnemers van bijeenkomsten',
    );

    await oneClick(linksFor(personId, { kind: 'meeting' }).unsubscribeUrl);
    expect(await getItem(keys.person(personId))).toMatchObject({
      email,
      meetingMailingsOptOutAt: expect.any(String),
    });
    expect(await subscriptionItem(email)).toMatchObject({ status: 'active', topics: ['nieuwsbrief'] });
    expect(await (await system.fetch(preferencesPath)).text()).toContain(
      'Mailings aan deelnemers van bijeenkomsten',
    );

    const kept = await postForm(preferencesPath, {
      name: 'Dilly Timmer',
      topics: ['nieuwsbrief'],
      action: 'save',
    });
    expect(kept.status).toBe(200);
    expect(await getItem(keys.person(personId))).toHaveProperty('meetingMailingsOptOutAt');

    const back = await postForm(preferencesPath, {
      name: 'Dilly Timmer',
      topics: ['nieuwsbrief'],
      meetingMailings: 'on',
      action: 'save',
    });
    expect(back.status).toBe(200);
    expect(await back.text()).not.toContain('Mailings aan deelnemers van bijeenkomsten');
    expect(await getItem(keys.person(personId))).not.toHaveProperty('meetingMailingsOptOutAt');
    expect(await getItem(keys.person(personId))).toMatchObject({ email, name: 'Dilly Timmer' });
  });

  it('leaves the full unsubscribe link as it was: its page, and one click unsubscribes from everything', async () => {
    const { email, personId } = await activeSubscriber(['nieuwsbrief', 'publicaties']);
    const fullUrl = `${system.baseUrl}${paths.unsubscribe}?${new URLSearchParams({
      token: signer().sign('unsubscribe', personId, { ttlSeconds: null }),
    })}`;

    const shown = await expectTokenPage(await system.fetch(pathOf(fullUrl)), fullUrl);
    expect(shown).toContain('Wil je geen e-mail meer van Drop In ontvangen?');
    expect(await expectTokenPage(await oneClick(fullUrl), fullUrl)).toContain(
      'Je ontvangt geen e-mail meer van Drop In.',
    );
    expect(await statusOf(email)).toBe('unsubscribed');
    expect(await getItem(keys.person(personId))).not.toHaveProperty('meetingMailingsOptOutAt');
  });

  it('refuses a scope that was not signed', async () => {
    const { email, personId } = await activeSubscriber(['nieuwsbrief']);
    const token =
      new URL(linksFor(personId, { kind: 'meeting' }).unsubscribeUrl).searchParams.get('token') ?? '';
    const signature = token.split('.')[1];
    const widened = `${Buffer.from(JSON.stringify({ v: 1, p: 'unsubscribe', i: personId, e: 0 })).toString('base64url')}.${signature}`;

    const response = await postForm(`${paths.unsubscribe}?${new URLSearchParams({ token: widened })}`, {
      'List-Unsubscribe': 'One-Click',
    });
    expect(response.status).toBe(400);
    expect(await statusOf(email)).toBe('active');
  });
});
