import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { renderHouseMail } from '../../functions/web/mail/house';
import { mailingBody } from '../../functions/web/mail/mailing-body';
import {
  MailingContentRejected,
  mailingStyles,
  maxMarkdownBytes,
  renderMailingContent,
} from '../../functions/web/mail/mailing-content';

const newsletter = `# Nieuws van Drop In

Hallo allemaal! Deze maand is **druk** en _gezellig_. Alles staat op https://dropin.example.org/bijeenkomsten.

## Komende bijeenkomsten

- Dinsdag: [spelletjesavond](https://dropin.example.org/bijeenkomsten/spel)
- Woensdag: samen koken
  - pasta
  - soep
- Vrijdag: film & popcorn

1. Meld je aan
2. Neem een vriend mee

> Het was weer top!
> — een deelnemer

Vragen? Mail [ons](mailto:info@dropin.example.org) of info@dropin.example.org.
`;

/** Each hostile fixture in Markdown, as an organiser could type or paste it. */
const hostile = {
  script: '<script>alert(1)</script>',
  onerror: '<img src=x onerror=alert(1)>',
  javascriptLink: '[klik](javascript:alert(1))',
  mixedCaseScheme: '[x](JaVaScRiPt:alert(1))',
  entityScheme: '[e](&#106;avascript:alert(1))',
  entityAutolink: '<&#106;avascript:alert(1)>',
  autolink: '<javascript:alert(1)>',
  styleAttribute: '<p style="position:fixed;top:0">rood</p>',
  dataLink: '[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  dataImage: '![i](data:image/png;base64,iVBORw0KGgo=)',
  iframe: '<iframe src="https://evil.example"></iframe>',
  anchor: '<a href="javascript:alert(1)" onclick="alert(1)">a</a>',
  svg: '<svg onload=alert(1)>',
  styleTag: '<style>body{display:none}</style>',
  vbscript: '[v](vbscript:msgbox(1))',
  quoteBreakout: '[q](https://dropin.example.org/?a="><script>alert(1)</script>)',
  imageOnerror: '![x" onerror="alert(1)](https://dropin.example.org/x.png)',
};

/** The real tags of some HTML: typed tags the renderer escaped (`&lt;script&gt;`) are text, not tags. */
const tagsOf = (markup: string): string[] => markup.match(/<\/?[a-z][^>]*>/gi) ?? [];

/** What the HTML of a mail may not contain: live script, event attributes, dangerous links, images. */
const liveHtml = (markup: string): string[] => {
  const tags = tagsOf(markup).join('\n');
  return [
    /<script/i.test(tags) && '<script',
    /<(iframe|svg|img|style|object|embed)\b/i.test(tags) && 'forbidden tag',
    /\son\w+\s*=/i.test(tags) && 'event attribute',
    /href\s*=\s*["']?\s*(javascript|vbscript|data):/i.test(tags) && 'dangerous href',
    /\ssrc\s*=/i.test(tags) && 'src attribute',
    /\sclass\s*=/i.test(tags) && 'class attribute',
  ].filter((found): found is string => typeof found === 'string');
};

/** Style attributes other than the house styles the renderer adds to its own tags. */
const foreignStyles = (markup: string): string[] => {
  const house = new Set(Object.values(mailingStyles));
  return [
    ...tagsOf(markup)
      .join('\n')
      .matchAll(/\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi),
  ]
    .map((match) => (match[1] ?? '').replace(/^["']|["']$/g, ''))
    .filter((style) => !house.has(style));
};

describe('the mailing content', () => {
  it('renders headings, paragraphs, lists, links, emphasis and quotes as plain, styled HTML blocks', () => {
    const { html } = renderMailingContent({ markdown: newsletter });

    expect(html).toMatch(/^<h1 style="[^"]+">Nieuws van Drop In<\/h1>/);
    expect(html).toMatch(/<h2 style="[^"]+">Komende bijeenkomsten<\/h2>/);
    expect(html).toContain('<strong>druk</strong>');
    expect(html).toContain('<em>gezellig</em>');
    expect(html).toMatch(/<ul style="[^"]+">\n<li style="[^"]+">Dinsdag: <a /);
    expect(html).toMatch(/<ol style="[^"]+">/);
    expect(html).toMatch(/<blockquote style="[^"]+">/);
    expect(html).toContain('film &amp; popcorn');
    expect(html).toMatch(
      /<a style="color:#8a1c3a" href="https:\/\/dropin\.example\.org\/bijeenkomsten\/spel" rel="noopener noreferrer">spelletjesavond<\/a>/,
    );
    // Written-out URLs and addresses become links (linkify), without any tracking added.
    expect(html).toContain('href="https://dropin.example.org/bijeenkomsten"');
    expect(html).toContain('href="mailto:info@dropin.example.org"');
    expect(liveHtml(html)).toEqual([]);
    expect(foreignStyles(html)).toEqual([]);
  });

  it('goes into the house mail: a Dutch document, the body between greeting and signature', () => {
    const content = renderMailingContent({ markdown: newsletter, preheader: '  Het  laatste\n nieuws ' });
    expect(content.preheader).toBe('Het laatste nieuws');
    const mail = renderHouseMail({
      subject: 'Nieuws van Drop In',
      preheader: content.preheader,
      paragraphs: [],
      body: mailingBody(content),
      reason: 'Je ontvangt deze e-mail omdat je bent aangemeld voor nieuws van Drop In.',
      unsubscribeUrl: 'https://dropin.example.org/afmelden?token=u',
      siteUrl: 'https://dropin.example.org',
    });

    expect(mail.html).toMatch(/^<!doctype html>\s*<html lang="nl">/);
    expect(mail.html).toContain(content.html);
    expect(mail.html.indexOf('Hallo,')).toBeLessThan(mail.html.indexOf('Nieuws van Drop In</h1>'));
    expect(mail.html.indexOf('</blockquote>')).toBeLessThan(mail.html.indexOf('Met vriendelijke groet'));
    expect(mail.html).not.toMatch(/<img|<script/i);
    expect(mail.text).toContain(`Hallo,\n\n${content.text}\n\nMet vriendelijke groet,`);
    expect(mail.text).toContain('Afmelden: https://dropin.example.org/afmelden?token=u');
  });

  it('has a real plain-text part: headings, lists, quotes, links as "text (url)", no tags, no entities', () => {
    const { text } = renderMailingContent({ markdown: newsletter });

    expect(text).toBe(
      [
        'Nieuws van Drop In',
        '==================',
        '',
        'Hallo allemaal! Deze maand is druk en gezellig. Alles staat op https://dropin.example.org/bijeenkomsten.',
        '',
        'Komende bijeenkomsten',
        '---------------------',
        '',
        '- Dinsdag: spelletjesavond (https://dropin.example.org/bijeenkomsten/spel)',
        '- Woensdag: samen koken',
        '  - pasta',
        '  - soep',
        '- Vrijdag: film & popcorn',
        '',
        '1. Meld je aan',
        '2. Neem een vriend mee',
        '',
        '> Het was weer top!',
        '> — een deelnemer',
        '',
        'Vragen? Mail ons (info@dropin.example.org) of info@dropin.example.org.',
      ].join('\n'),
    );
    expect(text).not.toMatch(/<\/?[a-z][^>]*>|&[a-z#0-9]+;/i);
  });

  it('writes loose lists, numbered starts, code, images and entities as text', () => {
    const { html, text } = renderMailingContent({
      markdown: [
        '3. derde',
        '',
        '4. vierde',
        '   met een tweede regel',
        '',
        '```',
        'code <b>blijft</b> tekst',
        '```',
        '',
        'Kosten: &euro; 5 &amp; \\*geen nadruk\\*  ',
        'nieuwe regel',
        '',
        '![De groep bij het kampvuur](https://dropin.example.org/kamp.jpg)',
      ].join('\n'),
    });

    expect(html).toMatch(/<ol style="[^"]+" start="3">/);
    expect(html).toContain('code &lt;b&gt;blijft&lt;/b&gt; tekst');
    expect(html).toContain('Kosten: € 5 &amp; *geen nadruk*<br />');
    // No images: the picture becomes a link to it, named by its alt text.
    expect(html).toMatch(
      /<a [^>]*href="https:\/\/dropin\.example\.org\/kamp\.jpg"[^>]*>De groep bij het kampvuur<\/a>/,
    );
    expect(text).toBe(
      [
        '3. derde',
        '',
        '4. vierde',
        '   met een tweede regel',
        '',
        '    code <b>blijft</b> tekst',
        '',
        'Kosten: € 5 & *geen nadruk*',
        'nieuwe regel',
        '',
        'De groep bij het kampvuur (https://dropin.example.org/kamp.jpg)',
      ].join('\n'),
    );
  });

  it('links only to absolute http(s) and mailto addresses', () => {
    const { html, text } = renderMailingContent({
      markdown: '[relatief](/bijeenkomsten) [ftp](ftp://x.example/f) [los](//evil.example/x) drop-in.nl',
    });
    expect(html).not.toContain('<a ');
    expect(text).toBe(
      '[relatief](/bijeenkomsten) [ftp](ftp://x.example/f) [los](//evil.example/x) drop-in.nl',
    );
  });

  describe('with hostile organiser content', () => {
    it('is a hostile fixture: an unsanitised render would carry script, event attributes and styles', () => {
      const unsafe = new MarkdownIt({ html: true });
      unsafe.validateLink = () => true;
      const raw = unsafe.render(Object.values(hostile).join('\n\n'));
      expect(raw).toContain('<script');
      expect(raw).toContain('onerror=');
      expect(raw).toContain('href="javascript:');
      expect(raw).toContain('style="position:fixed');
      expect(liveHtml(raw)).toEqual(
        expect.arrayContaining(['<script', 'forbidden tag', 'event attribute', 'dangerous href']),
      );
      expect(foreignStyles(raw)).not.toEqual([]);
    });

    it.each(Object.entries(hostile))('renders %s inert in HTML and text', (_name, markdown) => {
      const { html, text } = renderMailingContent({ markdown: `Voor ${markdown} na\n\n${markdown}` });

      expect(liveHtml(html)).toEqual([]);
      expect(foreignStyles(html)).toEqual([]);
      expect(html).not.toMatch(/<a [^>]*href="(?!https?:\/\/|mailto:)/i);
      // The text part is text/plain: what the organiser typed stays visible as typed, and nothing in it
      // is turned into a link but http(s) and mailto addresses.
      for (const match of text.matchAll(/\(([a-z][a-z0-9+.-]*):[^)]*\) ?/gi)) {
        const preceded = text.slice(0, match.index);
        if (!/\]$/.test(preceded)) expect(match[1]?.toLowerCase()).toMatch(/^(https?|mailto)$/);
      }
      expect(text).not.toMatch(/&[a-z#0-9]+;/i);
    });

    it('keeps all of them inert together, in the house mail', () => {
      const content = renderMailingContent({ markdown: Object.values(hostile).join('\n\n') });
      const mail = renderHouseMail({
        subject: 'Test',
        paragraphs: [],
        body: mailingBody(content),
        reason: 'Reden.',
        siteUrl: 'https://dropin.example.org',
      });
      expect(liveHtml(content.html)).toEqual([]);
      expect(liveHtml(mail.html)).toEqual([]);
      // The organiser's typed tags are text in the HTML: escaped, visible, inert.
      expect(content.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(content.text).toContain('<script>alert(1)</script>');
    });
  });

  it('refuses a body over 100 kB and an overlong preheader, in Dutch', () => {
    expect(() => renderMailingContent({ markdown: 'a'.repeat(maxMarkdownBytes + 1) })).toThrow(
      new MailingContentRejected('De tekst is te lang: maximaal 100 kB, deze is 101 kB.'),
    );
    expect(() => renderMailingContent({ markdown: 'é'.repeat(maxMarkdownBytes / 2 + 1) })).toThrow(
      MailingContentRejected,
    );
    expect(() => renderMailingContent({ markdown: 'Hallo', preheader: 'x'.repeat(201) })).toThrow(
      /voorvertoningstekst is te lang: maximaal 200 tekens/,
    );
    expect(() => renderMailingContent({ markdown: ' \n ' })).toThrow('De tekst van de mailing is leeg.');
  });

  it('renders 100 kB of deeply nested Markdown quickly', () => {
    const nested = `${'> '.repeat(5000)}diep\n\n${'- '.repeat(5000)}lijst\n\n`;
    const markdown = (nested + '*a **b [c](https://x.example) d** e* '.repeat(2000)).slice(
      0,
      maxMarkdownBytes,
    );
    const started = performance.now();
    const { html, text } = renderMailingContent({ markdown });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(liveHtml(html)).toEqual([]);
    expect(text.length).toBeGreaterThan(0);
  });
});
