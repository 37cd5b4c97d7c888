import { describe, expect, it } from 'vitest';
import { InvalidToken } from '../../functions/core/errors';
import { PersonIds } from '../../functions/core/people/person-id';
import { unsubscribeScopeOf, unsubscribeTokenId } from '../../functions/core/subscriptions/unsubscribe-scope';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { paths } from '../../functions/paths';
import { mailingRecipientLinks } from '../../functions/web/mail/mailing-links';
import { withInvitations } from '../../functions/web/mail/mailing-recipient-mail';
import { unsubscribeHeaders } from '../../functions/web/mail/subscription-mails';
import { FixedClock } from '../support/in-memory-ports';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const siteUrl = 'https://dropin.example.org';
const personId = new PersonIds(secret).of('dilly.timmer@example.org');
const clock = new FixedClock(new Date('2027-03-27T12:00:00Z'));
const tokens = new TokenSigner(fixedLinkKeys(secret), clock);
const context = { tokens, siteUrl };

const tokenOf = (url: string, path: string): string => {
  const parsed = new URL(url);
  expect(`${parsed.origin}${parsed.pathname}`).toBe(`${siteUrl}${path}`);
  return parsed.searchParams.get('token') ?? '';
};
const fault = async (action: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await action();
  } catch (error) {
    if (error instanceof InvalidToken) return error.fault;
    throw error;
  }
  return undefined;
};
const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));

describe('mailingRecipientLinks', () => {
  it('gives a topic recipient a never-expiring unsubscribe link for exactly those topics', async () => {
    const links = mailingRecipientLinks(context, personId, {
      kind: 'topics',
      topics: ['nieuwsbrief', 'publicaties'],
    });
    const token = tokenOf(links.unsubscribeUrl, paths.unsubscribe);

    const verified = await tokens.verify(token, 'unsubscribe');
    expect(verified.expiresAt).toBeUndefined();
    expect(unsubscribeScopeOf(verified.id)).toEqual({
      kind: 'topics',
      personId,
      topics: ['nieuwsbrief', 'publicaties'],
    });
    // Opaque ids and topic names only: no address, no name.
    expect(claimsOf(token)).toEqual({
      v: 1,
      p: 'unsubscribe',
      i: `${personId}.topics.nieuwsbrief,publicaties`,
      e: 0,
    });
    expect(unsubscribeHeaders(links.unsubscribeUrl)).toEqual([
      { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('gives a meeting participant a link that turns meeting mailings off, and nothing more', async () => {
    const links = mailingRecipientLinks(context, personId, { kind: 'meeting' });
    const verified = await tokens.verify(tokenOf(links.unsubscribeUrl, paths.unsubscribe), 'unsubscribe');

    expect(verified.expiresAt).toBeUndefined();
    expect(unsubscribeScopeOf(verified.id)).toEqual({ kind: 'meeting', personId });
  });

  it('links to the preferences for 30 days', async () => {
    const links = mailingRecipientLinks(context, personId, { kind: 'meeting' });
    const verified = await tokens.verify(
      tokenOf(links.preferencesUrl, paths.preferences),
      'manage-preferences',
    );

    expect(verified).toEqual({
      purpose: 'manage-preferences',
      id: personId,
      expiresAt: new Date('2027-04-26T12:00:00Z'),
    });
  });

  it('signs a link that cannot be used for another purpose', async () => {
    const { unsubscribeUrl } = mailingRecipientLinks(context, personId, {
      kind: 'topics',
      topics: ['bijeenkomsten'],
    });
    const token = tokenOf(unsubscribeUrl, paths.unsubscribe);

    for (const purpose of ['manage-preferences', 'confirm-subscription', 'cancel-registration'] as const) {
      expect(await fault(() => tokens.verify(token, purpose))).toBe('purpose');
    }
  });

  it('cannot be widened: a scope cut off or changed breaks the signature', async () => {
    const { unsubscribeUrl } = mailingRecipientLinks(context, personId, {
      kind: 'topics',
      topics: ['bijeenkomsten'],
    });
    const [, signature] = tokenOf(unsubscribeUrl, paths.unsubscribe).split('.');
    const forged = (id: string) =>
      `${Buffer.from(JSON.stringify({ v: 1, p: 'unsubscribe', i: id, e: 0 })).toString('base64url')}.${signature}`;

    for (const id of [personId, `${personId}.meeting`, `${personId}.topics.bijeenkomsten,nieuwsbrief`]) {
      expect(await fault(() => tokens.verify(forged(id), 'unsubscribe'))).toBe('signature');
    }
  });
});

describe('the scope of an unsubscribe token', () => {
  it('keeps the full unsubscribe id the bare person id, as links already mailed carry it', () => {
    expect(unsubscribeTokenId({ kind: 'all', personId })).toBe(personId);
    expect(unsubscribeScopeOf(personId)).toEqual({ kind: 'all', personId });
  });

  it('round-trips every scope', () => {
    for (const scope of [
      { kind: 'all', personId },
      { kind: 'meeting', personId },
      { kind: 'topics', personId, topics: ['publicaties'] },
      { kind: 'topics', personId, topics: ['bijeenkomsten', 'nieuwsbrief', 'publicaties'] },
    ] as const) {
      expect(unsubscribeScopeOf(unsubscribeTokenId(scope))).toEqual(scope);
    }
  });

  it('refuses any other form as malformed', () => {
    for (const id of [
      '',
      `${personId}.`,
      `${personId}.all`,
      `${personId}.meeting.x`,
      `${personId}.topics`,
      `${personId}.topics.`,
      `${personId}.topics.sport`,
      `${personId}.topics.nieuwsbrief,nieuwsbrief`,
      `${personId}.topics.nieuwsbrief.publicaties`,
      '.topics.nieuwsbrief',
      'dilly@example.org.meeting',
    ]) {
      expect(() => unsubscribeScopeOf(id), id).toThrow(InvalidToken);
    }
  });

  it('refuses to sign a topics scope without topics', () => {
    expect(() => mailingRecipientLinks(context, personId, { kind: 'topics', topics: [] })).toThrow(
      /at least one topic/,
    );
  });
});

describe('withInvitations', () => {
  it("turns each link to a meeting's page into the recipient's invitation, and leaves other links alone", async () => {
    const body = [
      `<a href="${siteUrl}/bijeenkomsten/01JMEETING">Meld je aan</a>`,
      `Lees meer: ${siteUrl}/bijeenkomsten/01JMEETING.`,
      `<a href="${siteUrl}${paths.cancelRegistration}?token=abc">afmelden</a>`,
      `<a href="${siteUrl}/publicaties/jaarupdate">jaarupdate</a>`,
      `<a href="https://elders.example.org/bijeenkomsten/01JMEETING">elders</a>`,
      `<a href="${siteUrl}${paths.calendarFeed}">agenda</a> <a href="${siteUrl}${paths.pastMeetings}">eerder</a>`,
    ].join('\n');

    const invited = withInvitations(body, context, personId);

    const links = [...invited.matchAll(/bijeenkomsten\/01JMEETING\?uitnodiging=([\w-]+\.[\w-]+)/g)];
    expect(links).toHaveLength(2);
    for (const [, token] of links) {
      expect((await tokens.verify(token ?? '', 'register-invite')).id).toBe(`01JMEETING.${personId}`);
    }
    expect(invited).toContain(`${siteUrl}${paths.cancelRegistration}?token=abc"`);
    expect(invited).toContain(`${siteUrl}/publicaties/jaarupdate"`);
    expect(invited).toContain('https://elders.example.org/bijeenkomsten/01JMEETING"');
    // The pages under /bijeenkomsten/ that are not a meeting keep their plain links.
    expect(invited).toContain(`${siteUrl}${paths.calendarFeed}"`);
    expect(invited).toContain(`${siteUrl}${paths.pastMeetings}"`);
    // A link without a meeting stays as it was (the control: the body changes only where it names one).
    expect(withInvitations(`${siteUrl}/publicaties`, context, personId)).toBe(`${siteUrl}/publicaties`);
  });
});
