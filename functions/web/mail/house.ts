import { assertAbsoluteUrl, type Html, html } from '../html';

/**
 * The Drop In house mail: one template for every mail the system sends. A full HTML document in Dutch and
 * a real plain-text part with the same content. No images, no tracking: links are absolute and plain. The
 * HTML is built with the pages' template tag (functions/web/html.ts): every value is escaped unless it is
 * a fragment built by the tag itself; the text part is plain.
 */
export interface HouseMailInput {
  readonly subject: string;
  /** Shown as the greeting ("Beste Dilly,"); no name gives "Hallo,". */
  readonly greetingName?: string;
  /** Short preview text that mail clients show next to the subject. */
  readonly preheader?: string;
  /** Plain-text paragraphs; they are escaped for HTML. */
  readonly paragraphs: readonly string[];
  /**
   * Rich content after the paragraphs: HTML blocks and their plain text, as a mailing's body is rendered
   * from the organiser's Markdown (mailing-content.ts, which sanitizes it; its HTML goes in as it is).
   */
  readonly body?: { readonly html: Html; readonly text: string };
  /** The one thing the reader should do, as a button (HTML) and a bare link (text). */
  readonly action?: { readonly label: string; readonly url: string };
  /** Paragraphs after the action, e.g. "Heb je je niet aangemeld? Dan hoef je niets te doen." */
  readonly closing?: readonly string[];
  /** Why the reader gets this mail. */
  readonly reason: string;
  /** Present on mails to subscribers: shown in the footer (the header is set by the caller). */
  readonly unsubscribeUrl?: string;
  /** The reader's preferences page (topics, name, unsubscribing), linked in the footer. */
  readonly preferencesUrl?: string;
  /** The public site, linked in the footer. */
  readonly siteUrl: string;
}

export interface RenderedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

const greeting = (name: string | undefined): string => (name ? `Beste ${name},` : 'Hallo,');

const paragraph = (text: string): Html =>
  html`<p style="margin:0 0 16px;font-size:16px;line-height:1.5">${text}</p>`;

/** Fragments one to a line. */
const oneToALine = (fragments: readonly Html[]): Html[] =>
  fragments.map((fragment, i) => (i === 0 ? fragment : html`\n${fragment}`));

export const renderHouseMail = (input: HouseMailInput): RenderedMail => {
  const siteUrl = assertAbsoluteUrl(input.siteUrl);
  const action = input.action && { ...input.action, url: assertAbsoluteUrl(input.action.url) };
  const unsubscribeUrl = input.unsubscribeUrl && assertAbsoluteUrl(input.unsubscribeUrl);
  const preferencesUrl = input.preferencesUrl && assertAbsoluteUrl(input.preferencesUrl);

  const document = html`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${input.subject}</title>
</head>
<body style="margin:0;padding:0;background:#f4f1ec;color:#1d1d1b;font-family:Arial,Helvetica,sans-serif">
${input.preheader && html`<div style="display:none;max-height:0;overflow:hidden">${input.preheader}</div>`}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f1ec">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px">
<tr><td style="background:#8a1c3a;color:#ffffff;padding:16px 24px;font-size:20px;font-weight:bold;border-radius:8px 8px 0 0">Drop In</td></tr>
<tr><td style="padding:24px">
${paragraph(greeting(input.greetingName))}
${oneToALine(input.paragraphs.map(paragraph))}${input.body && html`\n${input.body.html}`}
${
  action &&
  html`<p style="margin:24px 0"><a href="${action.url}" style="display:inline-block;background:#8a1c3a;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold">${action.label}</a></p>
<p style="margin:0 0 16px;font-size:14px;color:#4a4a48">Werkt de knop niet? Kopieer dan deze link in je browser:<br><a href="${action.url}" style="color:#8a1c3a;word-break:break-all">${action.url}</a></p>`
}
${oneToALine((input.closing ?? []).map(paragraph))}
<p style="margin:0 0 16px;font-size:16px;line-height:1.5">Met vriendelijke groet,<br>Het team van Drop In</p>
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e5e1da;font-size:13px;line-height:1.5;color:#4a4a48">
${input.reason}<br>
<a href="${siteUrl}" style="color:#8a1c3a">${siteUrl.replace(/^https?:\/\//, '')}</a>${
    preferencesUrl && html` · <a href="${preferencesUrl}" style="color:#8a1c3a">Voorkeuren</a>`
  }${unsubscribeUrl && html` · <a href="${unsubscribeUrl}" style="color:#8a1c3a">Afmelden</a>`}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;

  const text = [
    greeting(input.greetingName),
    '',
    ...input.paragraphs.flatMap((p) => [p, '']),
    ...(input.body ? [input.body.text, ''] : []),
    ...(action ? [`${action.label}:`, action.url, ''] : []),
    ...(input.closing ?? []).flatMap((p) => [p, '']),
    'Met vriendelijke groet,',
    'Het team van Drop In',
    '',
    '-- ',
    input.reason,
    siteUrl,
    ...(preferencesUrl ? [`Voorkeuren: ${preferencesUrl}`] : []),
    ...(unsubscribeUrl ? [`Afmelden: ${unsubscribeUrl}`] : []),
    '',
  ].join('\n');

  return { subject: input.subject, html: document.value, text };
};
