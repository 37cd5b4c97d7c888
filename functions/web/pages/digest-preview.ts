import type { Mailing } from '../../core/mailings/mailing';
import { statusLabels } from '../../core/mailings/mailing';
import type { MailingPreview } from '../../core/mailings/review';
import { escapeHtml } from '../html';
import { formatDateTime } from '../time';

/**
 * The Vooruitblik's preview (docs/architecture.md, "The Vooruitblik"): the mail exactly as a reader gets it
 * (with a sample greeting and links), under a bar that says where it stands and how to approve it. The mail
 * is the house template's own HTML document, so the bar goes in at the top of its body.
 */
export const renderDigestPreview = (preview: MailingPreview, mailing: Mailing): string => {
  const approved = mailing.approval?.version === mailing.version;
  const standing =
    mailing.status !== 'draft'
      ? `Status: ${statusLabels[mailing.status]}.${mailing.notice ? ` ${mailing.notice}` : ''}`
      : approved
        ? `Goedgekeurd door ${mailing.approval?.name ?? 'een organisator'}: hij gaat uit op ${formatDateTime(mailing.digestFor ?? '')}.`
        : `Nog niet goedgekeurd. Hij gaat op ${formatDateTime(mailing.digestFor ?? '')} alleen uit als een organisator deze versie (${mailing.version}) goedkeurt: POST /api/organiser/mailings/${mailing.mailingId}/approve.`;
  const bar =
    '<div role="status" style="padding:12px 16px;background:#1d1d1b;color:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.4">' +
    `<strong>Voorbeeld van de Vooruitblik</strong> — onderwerp: ${escapeHtml(preview.subject)}<br>${escapeHtml(standing)}</div>`;
  const bodyOpen = /<body[^>]*>/i.exec(preview.html);
  if (!bodyOpen) return `${bar}${preview.html}`;
  const at = bodyOpen.index + bodyOpen[0].length;
  return `${preview.html.slice(0, at)}${bar}${preview.html.slice(at)}`;
};
