import type { OutboxMail } from '../../core/mailings/outbox';
import type { OutgoingMail } from '../../core/ports';
import { reportRequestLinkSeconds } from '../../core/retention';
import { paths, reportPath, tokenLink } from '../../paths';
import { renderHouseMail } from './house';
import type { ComposeContext } from './subscription-mails';

/**
 * Mails about a request for a report on request (docs/architecture.md, "Reports on request"): the confirm
 * link (purpose `request-report`) and the download link (purpose `download-report`), each for this request
 * only, each working 7 days.
 */

const reason =
  'Je ontvangt deze e-mail omdat iemand met dit adres een publicatie van Drop In heeft aangevraagd.';

const dataOf = (mail: OutboxMail) => {
  const { requestKey, title, slug } = mail.data as Record<string, string | undefined>;
  if (!requestKey || !title || !slug)
    throw new Error('A report request mail needs requestKey, title and slug');
  return { requestKey, title, slug };
};

const greeting = (mail: OutboxMail) => (mail.recipient.name ? { greetingName: mail.recipient.name } : {});

export const composeReportRequestConfirm = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const { requestKey, title, slug } = dataOf(mail);
  const url = tokenLink(
    context.siteUrl,
    paths.confirmReportRequest,
    context.tokens.sign('request-report', requestKey, { ttlSeconds: reportRequestLinkSeconds }),
  );
  return {
    to: { address: mail.recipient.address },
    ...renderHouseMail({
      subject: `Bevestig je aanvraag: ${title}`,
      ...greeting(mail),
      preheader: 'Eén klik nog, dan krijg je de downloadlink.',
      paragraphs: [
        `Je hebt de publicatie "${title}" aangevraagd. Bevestig je aanvraag met de knop hieronder; de link werkt 7 dagen.`,
        'Heb je niets aangevraagd? Dan kun je deze e-mail negeren: zonder bevestiging gebeurt er niets.',
      ],
      action: { label: 'Aanvraag bevestigen', url },
      closing: [`Over de publicatie: ${context.siteUrl}${reportPath(slug)}`],
      reason,
      siteUrl: context.siteUrl,
    }),
  };
};

export const composeReportRequestGranted = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const { requestKey, title, slug } = dataOf(mail);
  const url = tokenLink(
    context.siteUrl,
    paths.reportDownload,
    context.tokens.sign('download-report', requestKey, { ttlSeconds: reportRequestLinkSeconds }),
  );
  return {
    to: { address: mail.recipient.address },
    ...renderHouseMail({
      subject: `Je downloadlink: ${title}`,
      ...greeting(mail),
      preheader: 'De link werkt 7 dagen.',
      paragraphs: [
        `Hier is de publicatie "${title}" die je hebt aangevraagd. De link werkt 7 dagen; daarna kun je haar opnieuw aanvragen op de pagina van de publicatie.`,
      ],
      action: { label: 'Naar de download', url },
      closing: [`Over de publicatie: ${context.siteUrl}${reportPath(slug)}`],
      reason,
      siteUrl: context.siteUrl,
    }),
  };
};
