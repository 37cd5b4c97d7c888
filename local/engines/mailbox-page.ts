import type { MailJournalRecord } from './mail-journal';

/**
 * The offline mailbox's pages (Dutch, rendered on the server): the list, newest first, a page at a time and
 * filtered by recipient, and one mail with its headers and its HTML in a sandboxed frame. Only the page
 * shown is rendered, so the mailbox stays quick with many thousands of mails.
 */

/** What the list needs of a mail; the emulator keeps this in memory, the rest in the journal. */
export interface MailSummary {
  readonly messageId: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject: string;
}

export const mailboxPageSize = 50;

/** No script anywhere; the mail's HTML only in a frame without scripts, forms or same-origin access. */
export const mailboxPageSecurity = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character,
  );

const time = new Intl.DateTimeFormat('nl-NL', {
  timeZone: 'Europe/Amsterdam',
  dateStyle: 'short',
  timeStyle: 'medium',
});
const count = new Intl.NumberFormat('nl-NL');

const style = `
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f4f4f4}
td.time{white-space:nowrap;color:#555}
nav{margin:1rem 0;display:flex;gap:1rem;align-items:center}
form.inline{display:inline}
iframe{width:100%;height:70vh;border:1px solid #ccc}
pre{white-space:pre-wrap;background:#f8f8f8;padding:.75rem}
dt{font-weight:600}dd{margin:0 0 .4rem 0;word-break:break-all}
`;

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  `<meta name="viewport" content="width=device-width,initial-scale=1"><style>${style}</style></head>` +
  `<body>${body}</body></html>`;

const recipientsOf = (mail: MailSummary): string[] => [...mail.to, ...mail.cc, ...mail.bcc];

const listUrl = (pageNumber: number, to: string): string => {
  const query = new URLSearchParams();
  if (to) query.set('to', to);
  if (pageNumber > 1) query.set('page', String(pageNumber));
  const text = query.toString();
  return text ? `/?${text}` : '/';
};

/**
 * The list: `page` (1 = newest) of the mails (given oldest first) to an address containing `to`
 * (case-insensitive; To, Cc or Bcc). Walks back from the newest and renders only the page's rows.
 */
export const renderMailboxPage = (
  mails: readonly MailSummary[],
  query: { readonly page?: string | null; readonly to?: string | null },
): string => {
  const to = (query.to ?? '').trim();
  const wanted = to.toLowerCase();
  const requested = Number(query.page ?? '1');
  const pageNumber = Number.isInteger(requested) && requested >= 1 ? requested : 1;
  const first = (pageNumber - 1) * mailboxPageSize;
  const rows: MailSummary[] = [];
  let matching = 0;
  for (let index = mails.length - 1; index >= 0; index -= 1) {
    const mail = mails[index];
    if (!mail) continue;
    if (wanted && !recipientsOf(mail).some((address) => address.toLowerCase().includes(wanted))) continue;
    if (matching >= first && rows.length < mailboxPageSize) rows.push(mail);
    matching += 1;
  }
  const pages = Math.max(1, Math.ceil(matching / mailboxPageSize));
  const table = rows
    .map(
      (mail) =>
        `<tr><td class="time">${escapeHtml(time.format(mail.at))}</td>` +
        `<td>${escapeHtml(recipientsOf(mail).join(', '))}</td>` +
        `<td><a href="/mail/${encodeURIComponent(mail.messageId)}">${escapeHtml(mail.subject || '(geen onderwerp)')}</a></td>` +
        `<td>${escapeHtml(mail.from)}</td></tr>`,
    )
    .join('');
  const newer = pageNumber > 1 ? `<a href="${escapeHtml(listUrl(pageNumber - 1, to))}">« Nieuwer</a>` : '';
  const older =
    pageNumber < pages ? `<a href="${escapeHtml(listUrl(pageNumber + 1, to))}" rel="next">Ouder »</a>` : '';
  const mailCount = (total: number) => `${count.format(total)} ${total === 1 ? 'mail' : 'mails'}`;
  const summary = wanted
    ? `${count.format(matching)} van ${mailCount(mails.length)} aan een adres met „${escapeHtml(to)}”`
    : mailCount(mails.length);
  return page(
    'Mailbox – Drop In offline',
    `<h1>Mailbox</h1><p>Elke mail die het systeem offline verstuurt, de nieuwste eerst. ${summary}.</p>` +
      `<form method="get" action="/"><label>Aan (adres bevat): <input type="search" name="to" value="${escapeHtml(to)}"></label> ` +
      `<button type="submit">Zoeken</button>${to ? ' <a href="/">Alles tonen</a>' : ''}</form>` +
      `<nav>${newer}<span>Pagina ${pageNumber} van ${pages}</span>${older}</nav>` +
      (rows.length > 0
        ? `<table><thead><tr><th>Ontvangen</th><th>Aan</th><th>Onderwerp</th><th>Van</th></tr></thead><tbody>${table}</tbody></table>`
        : '<p>Geen mails.</p>') +
      `<nav>${newer}${older}</nav>` +
      '<form class="inline" method="post" action="/clear-store"><button type="submit">Mailbox legen</button></form>',
  );
};

const field = (label: string, value: string | undefined): string =>
  value ? `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>` : '';

/** One mail: its headers (List-Unsubscribe among them), tags, attachments, text and HTML. */
export const renderMailPage = (mail: MailJournalRecord): string => {
  const headers = mail.headers.map((header) => field(header.name, header.value)).join('');
  const tags = Object.entries(mail.tags)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  const attachments = mail.attachments
    .map(
      (attachment, index) =>
        `<li><a href="/mail/${encodeURIComponent(mail.messageId)}/attachment/${index}">${escapeHtml(
          attachment.filename ?? `bijlage ${index + 1}`,
        )}</a> (${escapeHtml(attachment.contentType)}, ${count.format(attachment.size)} bytes)</li>`,
    )
    .join('');
  // Links in the mail open in a new tab; the frame has no scripts, forms or access to this page.
  const frame = mail.html
    ? `<h2>HTML</h2><iframe sandbox="allow-popups allow-popups-to-escape-sandbox" title="De mail als HTML" srcdoc="${escapeHtml(
        `<base target="_blank">${mail.html}`,
      )}"></iframe>`
    : '';
  return page(
    `${mail.subject} – Mailbox`,
    `<p><a href="/">« Terug naar de mailbox</a></p><h1>${escapeHtml(mail.subject || '(geen onderwerp)')}</h1><dl>` +
      field('Ontvangen', time.format(mail.at)) +
      field('Van', mail.from) +
      field('Antwoord aan', mail.replyTo.join(', ')) +
      field('Aan', mail.destination.to.join(', ')) +
      field('Cc', mail.destination.cc.join(', ')) +
      field('Bcc', mail.destination.bcc.join(', ')) +
      field('Message-ID', mail.messageId) +
      headers +
      field('Tags', tags) +
      '</dl>' +
      (attachments ? `<h2>Bijlagen</h2><ul>${attachments}</ul>` : '') +
      frame +
      (mail.text ? `<h2>Tekst</h2><pre>${escapeHtml(mail.text)}</pre>` : ''),
  );
};

/** The page for a mail that is not (or no longer) in the mailbox. */
export const renderMissingMailPage = (): string =>
  page(
    'Niet gevonden – Mailbox',
    '<p><a href="/">« Terug naar de mailbox</a></p><h1>Deze mail staat niet (meer) in de mailbox.</h1>',
  );
