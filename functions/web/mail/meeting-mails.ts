import type { OutboxMail } from '../../core/mailings/outbox';
import { cancelTokenId, type MeetingMailData } from '../../core/meetings/mail-data';
import type { OutgoingMail } from '../../core/ports';
import { meetingPath, paths, tokenLink } from '../../paths';
import { formatMeetingWhen } from '../time';
import { renderHouseMail } from './house';
import type { ComposeContext } from './subscription-mails';

/**
 * The mails of a registration: transactional, so they carry no List-Unsubscribe (they follow the person's
 * own action, not a subscription). Each reads the meeting snapshot the outbox mail carries, so it tells what
 * was true when the change was made.
 */

const requiredFields = [
  'meetingId',
  'registrationId',
  'title',
  'city',
  'venueAddress',
  'startsAt',
  'endsAt',
] as const;

const mailData = (mail: OutboxMail): MeetingMailData => {
  for (const field of requiredFields) {
    if (!mail.data[field]) throw new Error(`Outbox mail ${mail.mailId} (${mail.kind}) has no ${field}`);
  }
  for (const field of ['startsAt', 'endsAt'] as const) {
    if (Number.isNaN(Date.parse(mail.data[field] ?? ''))) {
      throw new Error(`Outbox mail ${mail.mailId} (${mail.kind}) has an invalid ${field}`);
    }
  }
  return mail.data as unknown as MeetingMailData;
};

/** At least this long, so a mail written just before the end still has a working link. */
const minimumCancelTtlSeconds = 3600;
const aDayMs = 24 * 3600 * 1000;

/**
 * Cancel links work until a day after the meeting ends. Counted from when the mail was written (the outbox
 * item's createdAt), not from the sending: composing has no clock of its own, and a late delivery only makes
 * the link last a little longer than the day after, which the cancel itself refuses anyway once it is over.
 */
export const cancelLinkTtlSeconds = (data: Pick<MeetingMailData, 'endsAt'>, writtenAt: string): number => {
  const seconds = Math.ceil((Date.parse(data.endsAt) + aDayMs - Date.parse(writtenAt)) / 1000);
  return Number.isFinite(seconds) ? Math.max(minimumCancelTtlSeconds, seconds) : minimumCancelTtlSeconds;
};

const cancelUrl = (mail: OutboxMail, data: MeetingMailData, { tokens, siteUrl }: ComposeContext): string =>
  tokenLink(
    siteUrl,
    paths.cancelRegistration,
    tokens.sign(
      'cancel-registration',
      cancelTokenId({
        meetingId: data.meetingId,
        personId: mail.recipient.personId,
        registrationId: data.registrationId,
      }),
      { ttlSeconds: cancelLinkTtlSeconds(data, mail.createdAt) },
    ),
  );

const greeting = (mail: OutboxMail) => (mail.recipient.name ? { greetingName: mail.recipient.name } : {});

/** "Wanneer: …" and "Waar: …", as paragraphs of the house mail. */
const whenAndWhere = (data: MeetingMailData): string[] => [
  `Wanneer: ${formatMeetingWhen(data.startsAt, data.endsAt)}`,
  `Waar: ${data.venueAddress}, ${data.city}`,
];

const reason =
  'Je ontvangt deze e-mail omdat je je hebt aangemeld voor een bijeenkomst van het landelijk kennisnetwerk van Drop In.';

const outgoing = (mail: OutboxMail, rendered: ReturnType<typeof renderHouseMail>): OutgoingMail => ({
  to: { address: mail.recipient.address },
  ...rendered,
});

export const composeRegistrationConfirmed = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const data = mailData(mail);
  return outgoing(
    mail,
    renderHouseMail({
      subject: `Je bent aangemeld: ${data.title}`,
      ...greeting(mail),
      preheader: `Je hebt een plaats bij ${data.title} in ${data.city}.`,
      paragraphs: [
        `Je bent aangemeld voor ${data.title}. Er is een plaats voor je.`,
        ...whenAndWhere(data),
        'Kun je toch niet komen? Meld je dan af, dan geven we je plaats aan iemand van de wachtlijst.',
      ],
      action: { label: 'Afmelden', url: cancelUrl(mail, data, context) },
      closing: [`Meer over de bijeenkomst: ${context.siteUrl}${meetingPath(data.meetingId)}`],
      reason,
      siteUrl: context.siteUrl,
    }),
  );
};

export const composeRegistrationWaiting = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  // The rank is not in the mail: it is only exact at read time, and people ahead of you leave. The page and
  // the API answer say the current rank.
  const data = mailData(mail);
  return outgoing(
    mail,
    renderHouseMail({
      subject: `Je staat op de wachtlijst: ${data.title}`,
      ...greeting(mail),
      preheader: 'Je staat op de wachtlijst. Komt er een plaats vrij, dan mailen we je.',
      paragraphs: [
        `${data.title} is vol. Je staat op de wachtlijst.`,
        ...whenAndWhere(data),
        'Komt er een plaats vrij, dan gaat die naar wie het langst op de wachtlijst staat. Ben jij aan de beurt, dan ben je meteen aangemeld en mailen we je.',
        'Wil je niet meer op de wachtlijst staan? Haal jezelf er dan af met de knop hieronder.',
      ],
      action: { label: 'Van de wachtlijst af', url: cancelUrl(mail, data, context) },
      reason,
      siteUrl: context.siteUrl,
    }),
  );
};

export const composeRegistrationPromoted = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const data = mailData(mail);
  return outgoing(
    mail,
    renderHouseMail({
      subject: `Er is een plaats vrij: je bent aangemeld voor ${data.title}`,
      ...greeting(mail),
      preheader: 'Je stond op de wachtlijst en hebt nu een plaats.',
      paragraphs: [
        `Goed nieuws: er is een plaats vrijgekomen bij ${data.title}. Je stond op de wachtlijst en bent nu aangemeld.`,
        ...whenAndWhere(data),
        'Kun je toch niet komen? Meld je dan af, dan gaat je plaats naar de volgende op de wachtlijst.',
      ],
      action: { label: 'Afmelden', url: cancelUrl(mail, data, context) },
      reason,
      siteUrl: context.siteUrl,
    }),
  );
};

export const composeRegistrationCancelled = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const data = mailData(mail);
  return outgoing(
    mail,
    renderHouseMail({
      subject: `Je bent afgemeld: ${data.title}`,
      ...greeting(mail),
      paragraphs: [
        `Je aanmelding voor ${data.title} is geannuleerd. Je hoeft niets meer te doen.`,
        ...whenAndWhere(data),
        `Toch weer aanmelden? Dat kan op de pagina van de bijeenkomst, zolang de aanmelding open is: ${context.siteUrl}${meetingPath(data.meetingId)}`,
      ],
      reason,
      siteUrl: context.siteUrl,
    }),
  );
};

export const composeMeetingCancelled = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const data = mailData(mail);
  return outgoing(
    mail,
    renderHouseMail({
      subject: `Geannuleerd: ${data.title}`,
      ...greeting(mail),
      preheader: 'De bijeenkomst gaat niet door.',
      paragraphs: [
        `Helaas: de organisatoren hebben ${data.title} geannuleerd. De bijeenkomst gaat niet door. Je aanmelding vervalt; je hoeft daarvoor niets te doen.`,
        ...whenAndWhere(data),
        'Het spijt ons dat we je moeten teleurstellen. Op de site vind je de andere bijeenkomsten van het kennisnetwerk.',
      ],
      action: { label: 'Bekijk de bijeenkomsten', url: `${context.siteUrl}${paths.meetings}` },
      reason,
      siteUrl: context.siteUrl,
    }),
  );
};
