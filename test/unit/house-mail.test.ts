import { describe, expect, it } from 'vitest';
import { formatMailbox } from '../../functions/adapters/ses-mailer';
import { renderHouseMail } from '../../functions/web/mail/house';

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
