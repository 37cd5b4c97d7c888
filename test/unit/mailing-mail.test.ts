import { describe, expect, it } from 'vitest';
import { type Mailing, newMailing } from '../../functions/core/mailings/mailing';
import { renderMailingContent } from '../../functions/web/mail/mailing-content';
import { composeMailingMail, mailingReason, sampleMailingMail } from '../../functions/web/mail/mailing-mail';

const siteUrl = 'https://dropin.example.org';
const mailing: Mailing = newMailing(
  {
    subject: 'Jaarupdate',
    preheader: 'Vijf steden',
    body: 'Het **netwerk** <script>alert(1)</script> kwam samen.',
    audience: { topics: ['nieuwsbrief'] },
  },
  { subject: 'author', email: 'dilly@example.org', groups: ['organisers'] },
  { mailingId: 'm1', now: new Date('2026-01-01T10:00:00Z') },
);
const { html, text } = renderMailingContent({ markdown: mailing.body });
const rendered = { html, text };

describe('the mail of a mailing', () => {
  it('for a sample reader: greeting "Beste lezer," and inert links without a token', () => {
    const mail = sampleMailingMail(siteUrl)({ mailing, rendered });
    expect(mail.subject).toBe('Jaarupdate');
    expect(mail.preheader).toBe('Vijf steden');
    expect(mail.html).toContain('Beste lezer,');
    expect(mail.html).toContain('<strong>netwerk</strong>');
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.html).toContain('href="https://dropin.example.org/nieuwsbrief/voorkeuren"');
    expect(mail.html).toContain('href="https://dropin.example.org/nieuwsbrief/afmelden"');
    expect(mail.text).toContain('Voorkeuren: https://dropin.example.org/nieuwsbrief/voorkeuren\n');
    expect(mail.text).toContain(
      'Je ontvangt deze mail van Drop In omdat je bent aangemeld voor de nieuwsbrief.',
    );
    expect(`${mail.html}${mail.text}`).not.toContain('token=');
  });

  it('for a real recipient: their name and their own links, the same body', () => {
    const mail = composeMailingMail({
      mailing,
      rendered,
      audience: mailing.audience,
      greetingName: 'Sam',
      links: {
        preferencesUrl: `${siteUrl}/nieuwsbrief/voorkeuren?token=p`,
        unsubscribeUrl: `${siteUrl}/nieuwsbrief/afmelden?token=u`,
      },
      siteUrl,
    });
    expect(mail.html).toContain('Beste Sam,');
    expect(mail.html).toContain(rendered.html);
    expect(mail.text).toContain(rendered.text);
    expect(mail.text).toContain('Afmelden: https://dropin.example.org/nieuwsbrief/afmelden?token=u');
  });

  it('says why the reader gets it, for topics, a meeting or both', () => {
    expect(mailingReason({ topics: ['nieuwsbrief', 'bijeenkomsten', 'publicaties'] })).toBe(
      'Je ontvangt deze mail van Drop In omdat je bent aangemeld voor de nieuwsbrief, berichten over bijeenkomsten of berichten over publicaties.',
    );
    expect(mailingReason({ meeting: 'x', registrations: 'waiting' })).toBe(
      'Je ontvangt deze mail van Drop In omdat je op de wachtlijst van een bijeenkomst staat.',
    );
    expect(mailingReason({ topics: ['nieuwsbrief'], meeting: 'x', registrations: 'confirmed' })).toContain(
      'de nieuwsbrief of omdat je voor een bijeenkomst bent aangemeld.',
    );
  });
});
