import { assertAbsoluteUrl, escapeHtml } from '../html';

/**
 * The Drop In house mail: one template for every mail the system sends. A full HTML document in Dutch and
 * a real plain-text part with the same content. No images, no tracking: links are absolute and plain.
 */
export interface HouseMailInput {
  readonly subject: string;
  /** Shown as the greeting ("Beste Dilly,"); no name gives "Hallo,". */
  readonly greetingName?: string;
  /** Short preview text that mail clients show next to the subject. */
  readonly preheader?: string;
  /** Plain-text paragraphs; they are escaped for HTML. */
  readonly paragraphs: readonly string[];
  /** The one thing the reader should do, as a button (HTML) and a bare link (text). */
  readonly action?: { readonly label: string; readonly url: string };
  /** Paragraphs after the action, e.g. "Heb je je niet aangemeld? Dan hoef je niets te doen." */
  readonly closing?: readonly string[];
  /** Why the reader gets this mail. */
  readonly reason: string;
  /** Present on mails to subscribers: shown in the footer (the header is set by the caller). */
  readonly unsubscribeUrl?: string;
  /** The public site, linked in the footer. */
  readonly siteUrl: string;
}

export interface RenderedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

const greeting = (name: string | undefined): string => (name ? `Beste ${name},` : 'Hallo,');

export const renderHouseMail = (input: HouseMailInput): RenderedMail => {
  const siteUrl = assertAbsoluteUrl(input.siteUrl);
  const action = input.action && { ...input.action, url: assertAbsoluteUrl(input.action.url) };
  const unsubscribeUrl = input.unsubscribeUrl && assertAbsoluteUrl(input.unsubscribeUrl);
  const paragraph = (text: string) =>
    `<p style="margin:0 0 16px;font-size:16px;line-height:1.5">${escapeHtml(text)}</p>`;

  const html = `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(input.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f1ec;color:#1d1d1b;font-family:Arial,Helvetica,sans-serif">
${input.preheader ? `<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(input.preheader)}</div>` : ''}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f1ec">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px">
<tr><td style="background:#8a1c3a;color:#ffffff;padding:16px 24px;font-size:20px;font-weight:bold;border-radius:8px 8px 0 0">Drop In</td></tr>
<tr><td style="padding:24px">
${paragraph(greeting(input.greetingName))}
${input.paragraphs.map(paragraph).join('\n')}
${
  action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="display:inline-block;background:#8a1c3a;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold">${escapeHtml(action.label)}</a></p>
<p style="margin:0 0 16px;font-size:14px;color:#4a4a48">Werkt de knop niet? Kopieer dan deze link in je browser:<br><a href="${escapeHtml(action.url)}" style="color:#8a1c3a;word-break:break-all">${escapeHtml(action.url)}</a></p>`
    : ''
}
${(input.closing ?? []).map(paragraph).join('\n')}
${paragraph('Met vriendelijke groet,\nHet team van Drop In').replace('\n', '<br>')}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e5e1da;font-size:13px;line-height:1.5;color:#4a4a48">
${escapeHtml(input.reason)}<br>
<a href="${escapeHtml(siteUrl)}" style="color:#8a1c3a">${escapeHtml(siteUrl.replace(/^https?:\/\//, ''))}</a>${
    unsubscribeUrl ? ` · <a href="${escapeHtml(unsubscribeUrl)}" style="color:#8a1c3a">Afmelden</a>` : ''
  }
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
    ...(action ? [`${action.label}:`, action.url, ''] : []),
    ...(input.closing ?? []).flatMap((p) => [p, '']),
    'Met vriendelijke groet,',
    'Het team van Drop In',
    '',
    '-- ',
    input.reason,
    siteUrl,
    ...(unsubscribeUrl ? [`Afmelden: ${unsubscribeUrl}`] : []),
    '',
  ].join('\n');

  return { subject: input.subject, html, text };
};
