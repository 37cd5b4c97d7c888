import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonIds } from '../../functions/core/people/person-id';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { paths } from '../../functions/paths';
import { FixedClock } from '../support/in-memory-ports';
import {
  confirmLinkFor,
  confirmRegistrationAt,
  createMeeting,
  jsonRequest,
  publishMeeting,
  registerAsOrganiser,
  registrationsExport,
} from '../support/meetings-api';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Registering reveals nothing (docs/architecture.md, "Registering"): for one meeting, a new address, a seated
 * one, a waiting one and a cancelled one get the same answer — status, body and headers — and their requests
 * make the same DynamoDB calls, both while seats are free and while the meeting is full. The calls are
 * recorded by a middleware on the handlers' own DynamoDB client (the local server runs the handler modules in
 * this process), with the relay, the sweeper and the scheduler stopped so only the request's calls count.
 */

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

/** One DynamoDB call as the shape of what it touches: the operation, and each key with its ids taken out. */
type Call = string;
let recording: Call[] | undefined;
let conflicting = false;
const shapeOf = (value: unknown): string =>
  typeof value === 'string' ? value.replace(/#.*$/, '#…') : typeof value === 'number' ? 'n' : typeof value;
const keyShapes = (input: Record<string, unknown>): string[] => {
  const keysOf = (item: unknown) =>
    item && typeof item === 'object'
      ? Object.entries(item as Record<string, unknown>)
          .filter(([name]) => ['PK', 'SK'].includes(name))
          .map(([name, value]) => `${name}=${shapeOf(value)}`)
          .join(',')
      : '';
  const items = (input.TransactItems as Record<string, Record<string, unknown>>[] | undefined) ?? [input];
  return items.map((item) => {
    const [kind, body] = Object.entries(item).find(([name]) =>
      ['Put', 'Update', 'Delete', 'ConditionCheck'].includes(name),
    ) ?? ['', item];
    const record = body as Record<string, unknown>;
    return `${kind}(${keysOf(record.Key ?? record.Item ?? record.ExpressionAttributeValues)})`;
  });
};

beforeAll(async () => {
  // Imported once the system has set the handlers' environment: the same module the handlers use.
  const { dynamo } = await import('../../functions/composition/table');
  (dynamo().middlewareStack as MiddlewareStack<object, object>).add(
    (next, context) => async (args) => {
      const input = (args as { input: Record<string, unknown> }).input;
      recording?.push(`${String(context.commandName)} ${keyShapes(input).join(' ')}`);
      // Contention that outlasts every retry: DynamoDB cancels each try with a TransactionConflict.
      if (conflicting && context.commandName === 'TransactWriteItemsCommand') {
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'TransactionConflict' }],
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordCallsForPrivacyTest' },
  );
});

const stamp = Date.now();
const person = (label: string) => ({
  name: 'Deelnemer',
  email: `${label}-${stamp}@example.org`,
  organisation: 'Jongerenwerk',
  role: 'manager',
  municipality: 'Tilburg',
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly calls: readonly Call[];
}

/** Headers that differ per request whatever the request is. */
const perRequest = new Set(['date', 'apigw-requestid', 'x-request-id', 'x-amzn-requestid', 'retry-after']);

const answerOf = async (send: () => Promise<Response>): Promise<Answer> => {
  recording = [];
  const response = await send();
  const body = await response.text();
  const calls = recording;
  recording = undefined;
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !perRequest.has(name)));
  return { status: response.status, headers, body, calls };
};

const apiRequest = (meetingId: string, label: string) => () =>
  system.fetch(`/api/meetings/${meetingId}/registrations`, jsonRequest('POST', person(label)));
const formRequest = (meetingId: string, label: string) => () =>
  system.fetch(`/bijeenkomsten/${meetingId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(person(label)).toString(),
  });

/** Cancels someone's registration with the cancel link of their confirmation mail. */
const cancelThroughMail = async (email: string) => {
  const mail = await system.mailbox.waitFor(
    (candidate) => candidate.destination.to.includes(email) && /^Je bent aangemeld/.test(candidate.subject),
  );
  const link =
    (mail.body.text ?? '').match(
      new RegExp(`${system.baseUrl}${paths.cancelRegistration}\\?token=[\\w.%-]+`),
    )?.[0] ?? '';
  const response = await system.fetch(link.slice(system.baseUrl.length), { method: 'POST' });
  expect(response.status).toBe(200);
};

const quiet = async (work: () => Promise<void>) => {
  await system.outboxSettled();
  await Promise.all([system.outboxRelay.stop(), system.outboxSweeper.stop(), system.scheduleRunner.stop()]);
  try {
    await work();
  } finally {
    await Promise.all([
      system.outboxRelay.start(),
      system.outboxSweeper.start(),
      system.scheduleRunner.start(),
    ]);
  }
};

describe('a registration request reveals nothing about the address', () => {
  it('answers new, seated, waiting and cancelled addresses alike, with the same table calls, while seats are free and when full', async () => {
    const { id } = await createMeeting(system, {
      title: 'Kennisnetwerk Tilburg',
      city: 'Tilburg',
      capacity: 3,
    });
    await publishMeeting(system, id);
    await registerAsOrganiser(system, id, person('zit'));
    await registerAsOrganiser(system, id, person('weg'));
    await cancelThroughMail(person('weg').email);

    // Seats free: a new, a seated and a cancelled address.
    const free: Answer[] = [];
    await quiet(async () => {
      for (const label of ['nieuw', 'zit', 'weg']) free.push(await answerOf(apiRequest(id, label)));
      for (const label of ['nieuw2', 'zit', 'weg']) free.push(await answerOf(formRequest(id, label)));
    });

    // Full: the seats taken, one waiting; now also a waiting address.
    await registerAsOrganiser(system, id, person('vol1'));
    await registerAsOrganiser(system, id, person('vol2'));
    expect(await registerAsOrganiser(system, id, person('wacht'))).toMatchObject({ status: 'waiting' });
    const full: Answer[] = [];
    await quiet(async () => {
      for (const label of ['nieuw3', 'zit', 'wacht', 'weg']) full.push(await answerOf(apiRequest(id, label)));
      for (const label of ['nieuw4', 'zit', 'wacht', 'weg'])
        full.push(await answerOf(formRequest(id, label)));
    });

    const [api, form] = [free.slice(0, 3).concat(full.slice(0, 4)), free.slice(3).concat(full.slice(4))];
    expect(api[0]).toMatchObject({ status: 202 });
    expect(api[0]?.calls.length).toBeGreaterThan(1);
    for (const answer of api) expect(answer).toEqual(api[0]);
    expect(form[0]).toMatchObject({ status: 200 });
    expect(form[0]?.body).toContain('Check je mail');
    for (const answer of form) expect(answer).toEqual(form[0]);
  }, 60_000);

  it('negative control: the organiser route, which registers at once, tells a new address from a seated one', async () => {
    const { id } = await createMeeting(system, { title: 'Kennisnetwerk Breda', city: 'Breda', capacity: 3 });
    await publishMeeting(system, id);
    await registerAsOrganiser(system, id, person('controle-zit'));
    const organiserRequest = (label: string) => () =>
      system.fetchAsOrganiser(
        `/api/organiser/meetings/${id}/registrations`,
        jsonRequest('POST', person(label)),
      );

    let seated: Answer | undefined;
    let fresh: Answer | undefined;
    await quiet(async () => {
      seated = await answerOf(organiserRequest('controle-zit'));
      fresh = await answerOf(organiserRequest('controle-nieuw'));
    });

    // What this test compares would catch it: the status, the body and the calls differ.
    expect(seated?.status).not.toBe(fresh?.status);
    expect(seated?.calls).not.toEqual(fresh?.calls);
  }, 60_000);
});

describe('a personal invitation link from one of our mails', () => {
  const signer = () =>
    new TokenSigner(fixedLinkKeys(process.env.TOKEN_SECRET ?? ''), new FixedClock(new Date()));
  const invitationFor = (meetingId: string, email: string) =>
    signer().sign(
      'register-invite',
      `${meetingId}.${new PersonIds(process.env.TOKEN_SECRET ?? '').of(email)}`,
      {
        ttlSeconds: 3600,
      },
    );
  const postForm = (meetingId: string, fields: Record<string, string>) =>
    system.fetch(`/bijeenkomsten/${meetingId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  it('registers the invited address in one step; another address, a link to another meeting, a forged link or a second time is confirmed by mail', async () => {
    const { id } = await createMeeting(system, {
      title: 'Kennisnetwerk Zwolle',
      city: 'Zwolle',
      capacity: 5,
    });
    await publishMeeting(system, id);
    const invited = person('uitgenodigd');
    const invitation = invitationFor(id, invited.email);

    const opened = await system.fetch(`/bijeenkomsten/${id}?uitnodiging=${invitation}`);
    const html = await opened.text();
    expect(html).toContain(`name="uitnodiging" value="${invitation}"`);
    expect(opened.headers.get('cache-control')).toBe('no-store');

    const registered = await postForm(id, { ...invited, uitnodiging: invitation });
    expect(await registered.text()).toContain('<h1>Je bent aangemeld</h1>');
    const other = await postForm(id, { ...person('ander'), uitnodiging: invitation });
    expect(await other.text()).toContain('<h1>Check je mail</h1>');
    const forged = await postForm(id, { ...person('vals'), uitnodiging: `${invitation.slice(0, -2)}xx` });
    expect(await forged.text()).toContain('<h1>Check je mail</h1>');
    const elsewhere = await postForm(id, {
      ...person('elders'),
      uitnodiging: invitationFor('ander-id', person('elders').email),
    });
    expect(await elsewhere.text()).toContain('<h1>Check je mail</h1>');
    // Registered already: a forwarded invitation tells nothing; the registration's mail goes out again.
    const again = await postForm(id, { ...invited, uitnodiging: invitation });
    expect(await again.text()).toContain('<h1>Check je mail</h1>');
    await system.outboxSettled();

    const exported = await registrationsExport(system, id);
    expect(exported.registrations.map((r) => r.email)).toEqual([invited.email]);
    // 'ander', 'vals' and 'elders' wait for their confirmation; the invited person's second request is gone.
    expect(exported).toMatchObject({ confirmedCount: 1, pendingCount: 3 });
  }, 60_000);
});

describe('the confirm link of a registration request', () => {
  const request = (meetingId: string, body: Record<string, unknown>) =>
    system.fetch(`/api/meetings/${meetingId}/registrations`, jsonRequest('POST', body));

  it('opens a page that registers nothing; its button does, once; a cancelled meeting or an old request takes nothing', async () => {
    const { id } = await createMeeting(system, { title: 'Kennisnetwerk Venlo', city: 'Venlo', capacity: 5 });
    await publishMeeting(system, id);
    const someone = person('bevestig');
    expect((await request(id, someone)).status).toBe(202);
    const confirmPath = await confirmLinkFor(system, someone.email);

    const opened = await system.fetch(confirmPath);
    expect(await opened.text()).toContain('<h1>Bevestig je aanmelding</h1>');
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    const counts = () => registrationsExport(system, id);
    expect(await counts()).toMatchObject({ confirmedCount: 0, pendingCount: 1 });

    expect(await confirmRegistrationAt(system, confirmPath)).toEqual({
      status: 'confirmed',
      position: null,
      already: false,
    });
    expect(await confirmRegistrationAt(system, confirmPath)).toEqual({
      status: 'confirmed',
      position: null,
      already: true,
    });
    expect(await counts()).toMatchObject({ confirmedCount: 1, pendingCount: 0 });

    // Another request, then the meeting is cancelled: the link takes nothing and says why, in Dutch.
    const late = person('geannuleerd');
    expect((await request(id, late)).status).toBe(202);
    const latePath = await confirmLinkFor(system, late.email);
    await system.fetchAsOrganiser(`/api/organiser/meetings/${id}/cancel`, { method: 'POST' });
    const refused = await system.fetch(latePath, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('gaat niet door');
    expect(await counts()).toMatchObject({ confirmedCount: 1 });

    // A link whose request is gone (confirmed elsewhere, replaced, expired): 410 and a Dutch page.
    const forgotten = await system.fetch(
      latePath.replace(/token=.*/, `token=${encodeURIComponent(signedFor(id, 'nooit@example.org'))}`),
    );
    expect(forgotten.status).toBe(410);
    expect(await forgotten.text()).toContain('verlopen of al gebruikt');
  }, 60_000);
});

const signedFor = (meetingId: string, email: string) =>
  new TokenSigner(fixedLinkKeys(process.env.TOKEN_SECRET ?? ''), new FixedClock(new Date())).sign(
    'confirm-registration',
    `${meetingId}.${new PersonIds(process.env.TOKEN_SECRET ?? '').of(email)}`,
    { ttlSeconds: 3600 },
  );

describe('the registration form under contention that outlasts every retry', () => {
  it('answers 503 with Retry-After and "probeer het zo nog eens", the values kept, nothing written', async () => {
    const { id } = await createMeeting(system, {
      title: 'Kennisnetwerk Almere',
      city: 'Almere',
      capacity: 5,
    });
    await publishMeeting(system, id);
    const someone = { ...person('druk'), name: 'Zoë Druk' };
    const post = () =>
      system.fetch(`/bijeenkomsten/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(someone).toString(),
      });

    conflicting = true;
    let refused: Response;
    let html: string;
    try {
      refused = await post();
      html = await refused.text();
    } finally {
      conflicting = false;
    }
    const pendingAfterRefusal = (await registrationsExport(system, id)).pendingCount;
    const api = await system.fetch(`/api/meetings/${id}/registrations`, jsonRequest('POST', someone));

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(html).toContain('probeer het zo nog eens');
    expect(html).toContain('value="Zoë Druk"');
    expect(html).toContain(`value="${someone.email}"`);
    expect(pendingAfterRefusal).toBe(0);
    // Control: without the conflicts the same request goes through.
    expect(api.status).toBe(202);
  }, 60_000);
});
