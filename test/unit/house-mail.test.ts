import { describe, expect, it } from 'vitest';
import { formatMailbox } from '../../functions/adapters/ses-mailer';
import { renderHouseMail } from '../../functions/web/mail/house';
import { testMailRenderer } from '../../functions/web/mail/test-mail';

const base = {
  subject: 'Bevestig je aanmelding',
  paragraphs: ['Je hebt je aangemeld voor de nieuwsbrief van Drop In.', 'Klik <hier> & bevestig.'],
  action: {
    label: 'Aanmelding bevestigen',
    url: 'https://dropin.example.org/nieuwsbrief/bevestigen?token=abc',
  },
  reason: 'Je ontvangt deze mail omdat dit adres is opgegeven op dropin.example.org.',
  siteUrl: 'https://dropin.example.org',
};

describe('the house mail', () => {
  it('is a full Dutch HTML document with the greeting, escaped text and the action link', () => {
    const mail = renderHouseMail({ ...base, greetingName: 'Dilly' });

    expect(mail.html).toMatch(/^<!doctype html>\s*<html lang="nl">/);
    expect(mail.html).toContain('Beste Dilly,');
    expect(mail.html).toContain('Klik &#60;hier&#62; &#38; bevestig.');
    expect(mail.html).toContain('href="https://dropin.example.org/nieuwsbrief/bevestigen?token=abc"');
    expect(mail.html).not.toMatch(/<img|<script/i);
  });

  it('has a real plain-text part with the same content and the bare link', () => {
    const mail = renderHouseMail({ ...base, unsubscribeUrl: 'https://dropin.example.org/afmelden?token=u' });

    expect(mail.text).toContain('Hallo,');
    expect(mail.text).toContain('Klik <hier> & bevestig.');
    expect(mail.text).toContain(
      'Aanmelding bevestigen:\nhttps://dropin.example.org/nieuwsbrief/bevestigen?token=abc',
    );
    expect(mail.text).toContain('Afmelden: https://dropin.example.org/afmelden?token=u');
    expect(mail.text).not.toMatch(/<(p|a|br|table|div)\b/i);
  });

  it('refuses relative links', () => {
    expect(() => renderHouseMail({ ...base, action: { label: 'x', url: '/nieuwsbrief' } })).toThrow(
      /absolute/,
    );
    expect(() => renderHouseMail({ ...base, siteUrl: 'dropin.example.org' })).toThrow(/absolute/);
  });

  const hostile = '<script>alert("x")</script>';
  const escaped = '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;';

  it('escapes every value in the HTML part, and keeps it literal in the subject and the text part', () => {
    const mail = renderHouseMail({
      subject: `Aanmelding ${hostile}`,
      greetingName: `Dilly ${hostile}`,
      preheader: `Voorproef ${hostile}`,
      paragraphs: [`Alinea ${hostile}`],
      action: { label: `Knop ${hostile}`, url: 'https://dropin.example.org/a?b="c"&d=<e>' },
      closing: [`Slot ${hostile}`],
      reason: `Reden ${hostile}`,
      unsubscribeUrl: 'https://dropin.example.org/afmelden?token="u"',
      siteUrl: 'https://dropin.example.org',
    });

    for (const value of ['Aanmelding', 'Beste Dilly', 'Voorproef', 'Alinea', 'Knop', 'Slot', 'Reden']) {
      expect(mail.html).toContain(`${value} ${escaped}`);
    }
    expect(mail.html).toContain('<title>Aanmelding &#60;script&#62;');
    expect(mail.html).toContain('href="https://dropin.example.org/a?b=&#34;c&#34;&#38;d=&#60;e&#62;"');
    expect(mail.html).toContain('href="https://dropin.example.org/afmelden?token=&#34;u&#34;"');
    expect(mail.html).not.toMatch(/<script|alert\("/i);

    expect(mail.subject).toBe(`Aanmelding ${hostile}`);
    for (const value of ['Beste Dilly', 'Alinea', 'Knop', 'Slot', 'Reden']) {
      expect(mail.text).toContain(`${value} ${hostile}`);
    }
    expect(mail.text).toContain('https://dropin.example.org/a?b="c"&d=<e>');
    expect(mail.text).not.toContain('&#');
  });

  it("escapes an organiser's test mail: subject, name and paragraphs", () => {
    const mail = testMailRenderer('https://dropin.example.org')({
      subject: `[Test] ${hostile}`,
      greetingName: `"Dilly" ${hostile}`,
      paragraphs: [`Eerste ${hostile}`, 'Tweede "alinea"'],
    });

    expect(mail.html).toContain(`<title>[Test] ${escaped}</title>`);
    expect(mail.html).toContain(`Beste &#34;Dilly&#34; ${escaped},`);
    expect(mail.html).toContain(`Eerste ${escaped}`);
    expect(mail.html).toContain('Tweede &#34;alinea&#34;');
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.subject).toBe(`[Test] ${hostile}`);
    expect(mail.text).toContain(`Beste "Dilly" ${hostile},\n\nEerste ${hostile}\n\nTweede "alinea"`);
  });
});

describe('formatMailbox', () => {
  it('writes the display name plainly, quoted when it has specials, encoded when not ASCII', () => {
    expect(formatMailbox('Drop In', 'nieuws@dropin.example.org')).toBe('Drop In <nieuws@dropin.example.org>');
    expect(formatMailbox('Drop In, SWN', 'a@example.org')).toBe('"Drop In, SWN" <a@example.org>');
    expect(formatMailbox('Drop In – één', 'a@example.org')).toBe(
      `=?UTF-8?B?${Buffer.from('Drop In – één').toString('base64')}?= <a@example.org>`,
    );
  });
});
