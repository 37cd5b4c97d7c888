import type { OutboxMail } from '../../core/mailings/outbox';
import type { OutgoingMail } from '../../core/ports';
import { paths, tokenLink } from '../../paths';
import { formatDate } from '../time';
import { renderHouseMail } from './house';
import type { ComposeContext } from './subscription-mails';

/**
 * Mails to organisers (docs/architecture.md, "The Vooruitblik"): a drafted digest's preview link. The link is
 * signed for that purpose and that digest, and works until a day after the digest's time.
 */

/** How long after its time the preview link still works (a link lifetime, not a retention period). */
const previewGraceSeconds = 24 * 3600;

export const composeDigestPreview = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const { mailingId, digestFor, subject } = mail.data as Record<string, string>;
  if (!mailingId || !digestFor || !subject)
    throw new Error('A digest preview needs mailingId, digestFor and subject');
  const expiresAt = Math.floor(Date.parse(digestFor) / 1000) + previewGraceSeconds;
  const url = tokenLink(
    context.siteUrl,
    paths.digestPreview,
    context.tokens.sign('preview-digest', mailingId, { expiresAt }),
  );
  const when = formatDate(digestFor);
  return {
    to: { address: mail.recipient.address },
    ...renderHouseMail({
      subject: `Keur de Vooruitblik goed: ${subject}`,
      preheader: `Hij gaat ${when} om 09.00 uur naar de abonnees van de nieuwsbrief, als een organisator hem goedkeurt.`,
      paragraphs: [
        `De Vooruitblik van ${when} staat klaar als concept (mailing ${mailingId}). Bekijk hem zoals de lezers hem krijgen.`,
        `Hij gaat ${when} om 09.00 uur alleen uit als een organisator deze versie vóór die tijd goedkeurt: ` +
          `POST /api/organiser/mailings/${mailingId}/approve (of drop-in mailings approve ${mailingId}). ` +
          'Wie hem wijzigt, maakt een eerdere goedkeuring ongeldig.',
      ],
      action: { label: 'Bekijk de Vooruitblik', url },
      reason: 'Je ontvangt deze e-mail omdat je organisator bent van Drop In.',
      siteUrl: context.siteUrl,
    }),
  };
};
