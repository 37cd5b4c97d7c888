import { describe, expect, it } from 'vitest';
import { InvalidToken } from '../../functions/core/errors';
import type { OutboxMail, OutboxMailKind } from '../../functions/core/mailings/outbox';
import { meetingMailData, parseCancelTokenId } from '../../functions/core/meetings/mail-data';
import { fixedLinkKeys, TokenSigner } from '../../functions/core/tokens';
import { cancelLinkTtlSeconds } from '../../functions/web/mail/cancel-links';
import { outboxComposer } from '../../functions/web/mail/composers';
import { meetingDayFrom } from '../../functions/web/mail/meeting-mails';
import { FixedClock } from '../support/in-memory-ports';
import { meetingFixture, registrationFixture } from '../support/meeting-fixtures';

const secret = 'unit-test-secret-unit-test-secret-0123456789';
const siteUrl = 'https://dropin.example.org';
const writtenAt = new Date('2027-01-04T09:00:00Z');

const meeting = meetingFixture({
  description: 'Jongerenwerk en HALT.',
  confirmedCount: 60,
  waitingCount: 3,
  version: 4,
});

const registration = registrationFixture({
  answers: { role: 'jongerenwerker' },
  registeredAt: writtenAt.toISOString(),
});

const outboxMail = (
  kind: OutboxMailKind,
  data: Record<string, string> = meetingMailData(meeting, registration),
): OutboxMail => ({
  mailId: `mail-${kind}`,
  kind,
  recipient: { personId: registration.personId, address: registration.email, name: registration.name },
  data,
  createdAt: writtenAt.toISOString(),
});

const setup = () => {
  const clock = new FixedClock(writtenAt);
  const tokens = new TokenSigner(fixedLinkKeys(secret), clock);
  return {
    clock,
    tokens,
    compose: outboxComposer(async () => ({
      tokens,
      siteUrl,
      organiserAddress: 'bijeenkomsten@dropin.example.org',
      calendarDomain: 'dropin.example.org',
    })),
  };
};

/** Every href in the HTML part. */
const links = (html: string): string[] =>
  [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]?.replace(/&#38;/g, '&') ?? '');

const cancelLink = (html: string): URL | undefined =>
  links(html)
    .map((href) => new URL(href))
    .find((url) => url.pathname === '/bijeenkomsten/afmelden');

describe('meeting mails', () => {
  it('confirms a place, greets by name, says when and where, with absolute links only', async () => {
    const { compose } = setup();

    const mail = await compose(outboxMail('registration-confirmed'));

    expect(mail.to).toEqual({ address: 'sam.devries@example.org' });
    expect(mail.subject).toBe('Je bent aangemeld: Kennisnetwerk Groningen: uitwisseling met HALT');
    expect(mail.text).toContain('Beste Sam de Vries,');
    expect(mail.text).toContain('Wanneer: donderdag 14 januari 2027, 13.30–16.30 uur');
    expect(mail.text).toContain('Waar: Buurtcentrum De Oosterpoort, Poortstraat 18, Groningen');
    const hrefs = links(mail.html);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https:\/\/dropin\.example\.org(\/|$)/);
    expect(mail.headers ?? []).toEqual([]);
  });

  it.each([
    'registration-confirmed',
    'registration-waiting',
    'registration-promoted',
    'meeting-updated',
    'meeting-reminder',
  ] as const)(
    '%s carries a cancel link whose token verifies for cancel-registration and names this registration',
    async (kind) => {
      const { compose, tokens } = setup();

      const mail = await compose(outboxMail(kind, meetingMailData(meeting, registration)));

      const url = cancelLink(mail.html);
      expect(url?.origin).toBe(siteUrl);
      const token = url?.searchParams.get('token') ?? '';
      const verified = await tokens.verify(token, 'cancel-registration');
      expect(parseCancelTokenId(verified.id)).toEqual({
        meetingId: meeting.meetingId,
        personId: registration.personId,
        registrationId: registration.registrationId,
      });
      await expect(tokens.verify(token, 'unsubscribe')).rejects.toThrow(InvalidToken);
      expect(mail.text).toContain(url?.toString());
      expect(mail.headers ?? []).toEqual([]);
    },
  );

  it('makes the cancel link work until a day after the meeting ends, and not longer', async () => {
    const { compose, tokens, clock } = setup();
    const mail = await compose(outboxMail('registration-confirmed'));
    const token = cancelLink(mail.html)?.searchParams.get('token') ?? '';

    expect((await tokens.verify(token, 'cancel-registration')).expiresAt?.toISOString()).toBe(
      '2027-01-15T15:30:00.000Z',
    );
    clock.advance((Date.parse('2027-01-15T15:30:00Z') - writtenAt.getTime()) / 1000 - 1);
    await expect(tokens.verify(token, 'cancel-registration')).resolves.toBeDefined();
    clock.advance(1);
    await expect(tokens.verify(token, 'cancel-registration')).rejects.toThrow(InvalidToken);
  });

  it('gives a cancel link at least an hour, even when the mail is written after the meeting', () => {
    expect(cancelLinkTtlSeconds({ endsAt: '2027-01-14T15:30:00.000Z' }, '2027-01-20T00:00:00.000Z')).toBe(
      3600,
    );
  });

  it('tells a waiting person they are on the list, without a rank that would go stale, and how to leave', async () => {
    const { compose } = setup();

    const mail = await compose(outboxMail('registration-waiting'));

    expect(mail.subject).toBe('Je staat op de wachtlijst: Kennisnetwerk Groningen: uitwisseling met HALT');
    expect(mail.text).toContain('Je staat op de wachtlijst.');
    expect(mail.text).not.toMatch(/plaats \d/);
    expect(mail.text).toContain('Van de wachtlijst af:');
  });

  it('tells a promoted person they now have a place', async () => {
    const { compose } = setup();

    const mail = await compose(outboxMail('registration-promoted'));

    expect(mail.subject).toContain('Er is een plaats vrij');
    expect(mail.text).toContain('Je stond op de wachtlijst en bent nu aangemeld.');
  });

  it('confirms a cancellation without a cancel link', async () => {
    const { compose } = setup();

    const mail = await compose(outboxMail('registration-cancelled'));

    expect(mail.subject).toBe('Je bent afgemeld: Kennisnetwerk Groningen: uitwisseling met HALT');
    expect(cancelLink(mail.html)).toBeUndefined();
    expect(mail.text).not.toContain('token=');
  });

  it('tells everyone when the organisers cancel the meeting, with an apology and no cancel link', async () => {
    const { compose } = setup();

    const mail = await compose(outboxMail('meeting-cancelled'));

    expect(mail.subject).toBe('Geannuleerd: Kennisnetwerk Groningen: uitwisseling met HALT');
    expect(mail.text).toContain(
      'de organisatoren hebben Kennisnetwerk Groningen: uitwisseling met HALT geannuleerd',
    );
    expect(mail.text).toContain('Het spijt ons');
    expect(mail.text).not.toContain('token=');
    expect(links(mail.html)).toContain('https://dropin.example.org/bijeenkomsten');
  });

  it('tells a participant the time or place changed, with the new when and where and a cancel link', async () => {
    const { compose } = setup();
    const moved = {
      ...meeting,
      startsAt: '2027-03-28T01:30:00.000Z',
      endsAt: '2027-03-28T04:30:00.000Z',
      sequence: 1,
    };

    const mail = await compose(outboxMail('meeting-updated', meetingMailData(moved, registration)));

    expect(mail.subject).toBe('Gewijzigd: Kennisnetwerk Groningen: uitwisseling met HALT');
    expect(mail.text).toContain(
      'De tijd of plaats van Kennisnetwerk Groningen: uitwisseling met HALT is veranderd.',
    );
    expect(mail.text).toContain('Wanneer: zondag 28 maart 2027, 03.30–06.30 uur');
    expect(mail.text).toContain('Waar: Buurtcentrum De Oosterpoort, Poortstraat 18, Groningen');
    expect(cancelLink(mail.html)).toBeDefined();
    expect(mail.attachments?.map((a) => a.fileName)).toEqual(['wijziging.ics']);
  });

  it('reminds a participant with the day in words, when and where, and how to cancel, without an invite', async () => {
    const { compose } = setup();
    const reminder: OutboxMail = {
      ...outboxMail('meeting-reminder'),
      createdAt: '2027-01-13T12:30:00.000Z',
    };

    const mail = await compose(reminder);

    expect(mail.subject).toBe('Herinnering: Kennisnetwerk Groningen: uitwisseling met HALT is morgen');
    expect(mail.text).toContain('Kennisnetwerk Groningen: uitwisseling met HALT is morgen.');
    expect(mail.text).toContain('Wanneer: donderdag 14 januari 2027, 13.30–16.30 uur');
    expect(mail.text).toContain('Kun je toch niet komen?');
    expect(cancelLink(mail.html)).toBeDefined();
    expect(mail.attachments).toBeUndefined();
  });

  it('escapes a title, a place and a name in the HTML part, and keeps them literal in the subject and text', async () => {
    const { compose } = setup();
    const hostile = '<script>alert("x")</script>';
    const escaped = '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;';
    const data = meetingMailData(
      meetingFixture({ title: `Titel ${hostile}`, city: `Stad "${hostile}"` }),
      registration,
    );

    const mail = await compose({
      ...outboxMail('registration-confirmed', data),
      recipient: { ...outboxMail('registration-confirmed').recipient, name: `Sam ${hostile}` },
    });

    expect(mail.subject).toBe(`Je bent aangemeld: Titel ${hostile}`);
    expect(mail.html).toContain(`<title>Je bent aangemeld: Titel ${escaped}</title>`);
    expect(mail.html).toContain(`Beste Sam ${escaped},`);
    expect(mail.html).toContain(`Je bent aangemeld voor Titel ${escaped}.`);
    expect(mail.html).toContain(`Stad &#34;${escaped}&#34;`);
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.text).toContain(`Beste Sam ${hostile},`);
    expect(mail.text).toContain(`Stad "${hostile}"`);
  });

  it('names the day of the meeting as seen in Amsterdam from the day the reminder was written', () => {
    const startsAt = '2027-01-14T12:30:00.000Z';
    expect(meetingDayFrom(startsAt, '2027-01-14T07:00:00.000Z')).toBe('vandaag');
    // 23.30 UTC on the 13th is already the 14th in Amsterdam.
    expect(meetingDayFrom(startsAt, '2027-01-13T23:30:00.000Z')).toBe('vandaag');
    expect(meetingDayFrom(startsAt, '2027-01-13T22:30:00.000Z')).toBe('morgen');
    expect(meetingDayFrom(startsAt, '2027-01-12T12:30:00.000Z')).toBe('overmorgen');
    expect(meetingDayFrom(startsAt, '2027-01-07T12:30:00.000Z')).toBe('op donderdag 14 januari 2027');
  });

  it.each([
    'registration-confirmed',
    'registration-promoted',
    'registration-cancelled',
    'meeting-cancelled',
    'meeting-updated',
  ] as const)('refuses a %s mail without a calendar sequence, naming the mail', async (kind) => {
    const { compose } = setup();
    const { sequence: _, ...data } = meetingMailData(meeting, registration);

    await expect(compose(outboxMail(kind, data))).rejects.toThrow(
      `Outbox mail mail-${kind} (${kind}) has no valid sequence`,
    );
    await expect(compose(outboxMail(kind, { ...data, sequence: 'two' }))).rejects.toThrow(
      'no valid sequence',
    );
  });

  it.each(['registration-waiting', 'meeting-reminder'] as const)(
    'sends a %s mail without a calendar sequence: it carries no invite',
    async (kind) => {
      const { compose } = setup();
      const { sequence: _, ...data } = meetingMailData(meeting, registration);

      const mail = await compose(outboxMail(kind, data));

      expect(mail.attachments).toBeUndefined();
    },
  );

  it.each(['meetingId', 'registrationId', 'title', 'startsAt'])(
    'refuses a mail whose data lacks %s, naming the mail',
    async (field) => {
      const { compose } = setup();
      const { [field]: _, ...data } = meetingMailData(meeting, registration);

      await expect(compose(outboxMail('registration-confirmed', data))).rejects.toThrow(
        `Outbox mail mail-registration-confirmed (registration-confirmed) has no ${field}`,
      );
    },
  );
});
