import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamo/table-design';
import { PersonIds } from '../../functions/core/people/person-id';
import { paths } from '../../functions/paths';
import { mailHeader, type StoredMail } from '../../local/engines/ses-emulator';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * A rotation of the link key against the running system (docs/architecture.md, "Links and tokens"): the keyring is
 * the offline file, edited with the same steps `npm run local -- rotate-key` takes, and the server reads it
 * at every use as it does offline.
 */
let system: TestSystem;
let folder: string;
let keyringFile: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'dropin-keyring-'));
  keyringFile = join(folder, 'link-keys.json');
  system = await startTestSystem({ linkKeysFile: keyringFile });
  // Imported after the system set the handlers' environment: the logger reads LOG_LEVEL when it loads.
  ({ fileKeyringStore, rotateKeyCommand } = await import('../../local/link-keys-command'));
});
let fileKeyringStore: typeof import('../../local/link-keys-command').fileKeyringStore;
let rotateKeyCommand: typeof import('../../local/link-keys-command').rotateKeyCommand;
afterAll(async () => {
  await system?.stop();
  rmSync(folder, { recursive: true, force: true });
});

const postForm = (path: string, fields: Record<string, string>) =>
  system.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
const pathOf = (url: string) => url.slice(system.baseUrl.length);
const unsubscribeLinkOf = (mail: StoredMail) =>
  mailHeader(mail, 'List-Unsubscribe')?.replace(/^<|>$/g, '') ?? '';
const preferencesLinkOf = (mail: StoredMail): string => {
  const match = (mail.body.text ?? '').match(
    new RegExp(`${system.baseUrl}${paths.preferences}\\?token=[\\w.%-]+`),
  );
  if (!match) throw new Error('No preferences link in the mail');
  return match[0];
};
const keyIdOf = (link: string): unknown => {
  const token = new URL(link).searchParams.get('token') ?? '';
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).k;
};
const subscriptionOf = async (email: string) =>
  (
    await system.documentClient.send(
      new GetCommand({
        TableName: system.tableName,
        Key: keys.subscription(new PersonIds(process.env.TOKEN_SECRET ?? '').of(email)),
        ConsistentRead: true,
      }),
    )
  ).Item;

const subscribeAndConfirm = async (email: string): Promise<StoredMail> => {
  const accepted = await system.fetch('/api/subscriptions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: 'Rutger', topics: ['nieuwsbrief'], consent: true }),
  });
  expect(accepted.status).toBe(202);
  const optIn = await system.mailbox.waitFor(
    (mail) => mail.destination.to.includes(email) && /Bevestig/.test(mail.subject),
  );
  const confirm = (optIn.body.text ?? '').match(
    new RegExp(`${system.baseUrl}${paths.confirmSubscription}\\?token=[\\w.%-]+`),
  );
  expect((await system.fetch(pathOf(confirm?.[0] ?? ''), { method: 'POST' })).status).toBe(200);
  return system.mailbox.waitFor((mail) => mail.destination.to.includes(email) && /Welkom/.test(mail.subject));
};

describe('a rotation of the link key', () => {
  it('keeps old links working, signs new ones with the new key, and offers a fresh link once the old key is retired', async () => {
    const store = fileKeyringStore(keyringFile);
    const email = `roteren-${Date.now()}@example.org`;
    const welcome = await subscribeAndConfirm(email);
    const oldUnsubscribe = unsubscribeLinkOf(welcome);
    // Signed as before the keyring: no key id (the legacy key signs until the first rotation).
    expect(keyIdOf(oldUnsubscribe)).toBeUndefined();
    const personKey = keys.subscription(new PersonIds(process.env.TOKEN_SECRET ?? '').of(email));

    await rotateKeyCommand(store, { step: 'rotate' }, new Date(), true);
    const newKeyId = (await store.read()).keys.find((key) => key.state === 'signing')?.id;
    expect(newKeyId).toMatch(/^k\d{8}-/);

    // The old link still works; a new mail carries the new key id.
    expect((await system.fetch(pathOf(oldUnsubscribe))).status).toBe(200);
    const again = await system.fetch('/api/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, topics: ['nieuwsbrief'], consent: true }),
    });
    expect(again.status).toBe(202);
    const manage = await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(email) && /al aangemeld/.test(mail.subject),
    );
    expect(keyIdOf(unsubscribeLinkOf(manage))).toBe(newKeyId);
    expect((await system.fetch(pathOf(preferencesLinkOf(manage)))).status).toBe(200);

    // Retired (early, as offline allows): the old link and its one-click POST answer the fresh-link page.
    await rotateKeyCommand(store, { step: 'retire', id: 'legacy', early: true }, new Date(), true);
    const opened = await system.fetch(pathOf(oldUnsubscribe));
    expect(opened.status).toBe(410);
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    expect(opened.headers.get('cache-control')).toBe('no-store');
    const page = await opened.text();
    expect(page).toContain('Vraag een nieuwe link aan');
    expect(page).toContain(`action="${paths.freshLink}"`);
    const oneClick = await postForm(pathOf(oldUnsubscribe), { 'List-Unsubscribe': 'One-Click' });
    expect(oneClick.status).toBe(410);
    expect(await oneClick.text()).toContain('Vraag een nieuwe link aan');
    expect((await subscriptionOf(email))?.status).toBe('active');

    // The page mails a fresh link, signed with today's key, that unsubscribes.
    const sent = await postForm(paths.freshLink, { email: ` ${email.toUpperCase()} `, website: '' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Kijk in je mail');
    const fresh = await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(email) && /nieuwe link/.test(mail.subject),
    );
    expect(keyIdOf(preferencesLinkOf(fresh))).toBe(newKeyId);
    const unsubscribed = await postForm(pathOf(unsubscribeLinkOf(fresh)), {
      'List-Unsubscribe': 'One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    // Person ids never moved: the subscription is still where it was, now unsubscribed.
    expect((await subscriptionOf(email))?.status).toBe('unsubscribed');
    expect(personKey).toEqual(keys.subscription(new PersonIds(process.env.TOKEN_SECRET ?? '').of(email)));
  });

  it('answers the fresh-link form the same for an unknown address and a honeypot, and mails nothing', async () => {
    const unknown = `onbekend-${Date.now()}@example.org`;
    const bot = `bot-${Date.now()}@example.org`;
    const known = `bekend-${Date.now()}@example.org`;
    await subscribeAndConfirm(known);

    const answers = await Promise.all([
      postForm(paths.freshLink, { email: unknown, website: '' }),
      postForm(paths.freshLink, { email: bot, website: 'https://spam.example' }),
      postForm(paths.freshLink, { email: known, website: '' }),
    ]);
    const bodies = await Promise.all(answers.map((answer) => answer.text()));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(new Set(bodies).size).toBe(1);

    // The control: the known address does get its mail, so the wait below is long enough to see one.
    await system.mailbox.waitFor(
      (mail) => mail.destination.to.includes(known) && /nieuwe link/.test(mail.subject),
    );
    const mails = await system.mailbox.list();
    expect(mails.filter((mail) => mail.destination.to.some((to) => to === unknown || to === bot))).toEqual(
      [],
    );
  });

  it('re-renders the form with a Dutch error for an address that is not one, and writes nothing', async () => {
    const answer = await postForm(paths.freshLink, { email: 'geen-adres', website: '' });
    expect(answer.status).toBe(400);
    const page = await answer.text();
    expect(page).toContain('Vul een geldig e-mailadres in');
    expect(page).toContain('value="geen-adres"');
    // Nothing was sent to anyone for it.
    expect(
      (await system.mailbox.list()).filter((mail) => mail.destination.to.includes('geen-adres')),
    ).toEqual([]);
    expect((await system.fetch(paths.freshLink)).status).toBe(200);
  });
});
