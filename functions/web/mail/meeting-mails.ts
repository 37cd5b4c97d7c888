import { aDayMs, amsterdamLocalParts } from '../../core/amsterdam-time';
import type { OutboxMail } from '../../core/mailings/outbox';
import type { MeetingMailData } from '../../core/meetings/mail-data';
import { pendingKey } from '../../core/meetings/registration-requests';
import type { MailAttachment, OutgoingMail } from '../../core/ports';
import { meetingPath, paths, tokenLink } from '../../paths';
import { meetingInvite } from '../calendar/ics';
import { formatDate, formatDateTime, formatMeetingWhen } from '../time';
import { registrationCancelUrl } from './cancel-links';
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
  // Outbox mails written before meetings had calendars carry no description; it is optional in the invite.
  return { description: '', ...mail.data } as unknown as MeetingMailData;
};

/** The attendee's calendar SEQUENCE, which every invite needs: a mail without one is not sent half-right. */
const calendarSequenceOf = (mail: OutboxMail, data: MeetingMailData): number => {
  if (!/^\d{1,9}$/.test(data.sequence ?? '')) {
    throw new Error(
      `Outbox mail ${mail.mailId} (${mail.kind}) has no valid sequence (the calendar SEQUENCE, a whole number)`,
    );
  }
  return Number(data.sequence);
};

const inviteFileNames = {
  request: 'uitnodiging.ics',
  update: 'wijziging.ics',
  'registration-cancelled': 'afmelding.ics',
  'meeting-cancelled': 'geannuleerd.ics',
} as const;

/**
 * The calendar invite of this participant (web/calendar/ics.ts): REQUEST adds or moves the meeting in their
 * calendar, CANCEL takes it out. DTSTAMP is when the change was written, so a retry builds the same invite.
 */
const invite = (
  method: 'REQUEST' | 'CANCEL',
  fileName: (typeof inviteFileNames)[keyof typeof inviteFileNames],
  mail: OutboxMail,
  data: MeetingMailData,
  context: ComposeContext,
): MailAttachment => ({
  fileName,
  contentType: `text/calendar; charset=UTF-8; method=${method}`,
  content: meetingInvite({
    method,
    meeting: { ...data, url: `${context.siteUrl}${meetingPath(data)}` },
    sequence: calendarSequenceOf(mail, data),
    organiser: { address: context.organiserAddress },
    attendee: {
      address: mail.recipient.address,
      ...(mail.recipient.name ? { name: mail.recipient.name } : {}),
    },
    calendarDomain: context.calendarDomain,
    now: mail.createdAt,
  }),
});

const cancelUrl = (mail: OutboxMail, data: MeetingMailData, context: ComposeContext): string =>
  registrationCancelUrl(
    context,
    { meetingId: data.meetingId, personId: mail.recipient.personId, registrationId: data.registrationId },
    data.endsAt,
    mail.createdAt,
  );

const greeting = (mail: OutboxMail) => (mail.recipient.name ? { greetingName: mail.recipient.name } : {});

/** "Wanneer: …" and "Waar: …", as paragraphs of the house mail. */
const whenAndWhere = (data: MeetingMailData): string[] => [
  `Wanneer: ${formatMeetingWhen(data.startsAt, data.endsAt)}`,
  `Waar: ${data.venueAddress}, ${data.city}`,
];

const reason =
  'Je ontvangt deze e-mail omdat je je hebt aangemeld voor een bijeenkomst van het landelijk kennisnetwerk van Drop In.';

const outgoing = (
  mail: OutboxMail,
  rendered: ReturnType<typeof renderHouseMail>,
  attachment?: MailAttachment,
): OutgoingMail => ({
  to: { address: mail.recipient.address },
  ...rendered,
  // `calendar: none`: the recipient never had this meeting in their calendar (they only waited).
  ...(attachment && mail.data.calendar !== 'none' ? { attachments: [attachment] } : {}),
});

const meetingPageUrl = (data: MeetingMailData, context: ComposeContext): string =>
  `${context.siteUrl}${meetingPath(data)}`;

const inviteAttached =
  'In de bijlage zit een uitnodiging voor je agenda. Open hem om de bijeenkomst in je agenda te zetten.';

/**
 * The link that confirms a registration request: valid as long as the request is (24 hours, or until
 * registration closes), counted from when the mail was written.
 */
export const composeRegistrationRequestConfirm = (
  mail: OutboxMail,
  context: ComposeContext,
): OutgoingMail => {
  const { meetingId, title, city, venueAddress, startsAt, endsAt, expiresAt } = mail.data;
  if (!meetingId || !title || !startsAt || !endsAt || !expiresAt || Number.isNaN(Date.parse(expiresAt))) {
    throw new Error(`Outbox mail ${mail.mailId} (${mail.kind}) lacks its meeting or expiry`);
  }
  const ttlSeconds = Math.max(60, Math.ceil((Date.parse(expiresAt) - Date.parse(mail.createdAt)) / 1000));
  const url = tokenLink(
    context.siteUrl,
    paths.confirmRegistration,
    context.tokens.sign('confirm-registration', pendingKey(meetingId, mail.recipient.personId), {
      ttlSeconds,
    }),
  );
  return outgoing(
    mail,
    renderHouseMail({
      subject: `Bevestig je aanmelding: ${title}`,
      ...greeting(mail),
      preheader: 'Nog één stap: bevestig je aanmelding met de knop in deze e-mail.',
      paragraphs: [
        `Je wilt je aanmelden voor ${title}. Bevestig dat met de knop hieronder; pas dan ben je aangemeld.`,
        `Wanneer: ${formatMeetingWhen(startsAt, endsAt)}`,
        `Waar: ${venueAddress ?? ''}, ${city ?? ''}`,
        `De link werkt tot ${formatDateTime(expiresAt)}. Is de bijeenkomst dan vol, dan kom je op de wachtlijst.`,
        'Heb je je niet aangemeld? Dan hoef je niets te doen: zonder bevestiging gebeurt er niets.',
      ],
      action: { label: 'Bevestig mijn aanmelding', url },
      closing: [`Meer over de bijeenkomst: ${context.siteUrl}${meetingPath({ meetingId })}`],
      reason:
        'Je ontvangt deze e-mail omdat iemand met dit adres zich wilde aanmelden voor een bijeenkomst van Drop In.',
      siteUrl: context.siteUrl,
    }),
  );
};

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
        inviteAttached,
        'Kun je toch niet komen? Meld je dan af, dan geven we je plaats aan iemand van de wachtlijst.',
      ],
      action: { label: 'Afmelden', url: cancelUrl(mail, data, context) },
      closing: [`Meer over de bijeenkomst: ${meetingPageUrl(data, context)}`],
      reason,
      siteUrl: context.siteUrl,
    }),
    invite('REQUEST', inviteFileNames.request, mail, data, context),
  );
};

/** No invite: a place on the waiting list is not a place in someone's calendar (yet). */
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
        inviteAttached,
        'Kun je toch niet komen? Meld je dan af, dan gaat je plaats naar de volgende op de wachtlijst.',
      ],
      action: { label: 'Afmelden', url: cancelUrl(mail, data, context) },
      reason,
      siteUrl: context.siteUrl,
    }),
    invite('REQUEST', inviteFileNames.request, mail, data, context),
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
        'Staat de bijeenkomst in je agenda? Met de bijlage haal je hem eruit.',
        `Toch weer aanmelden? Dat kan op de pagina van de bijeenkomst, zolang de aanmelding open is: ${meetingPageUrl(data, context)}`,
      ],
      reason,
      siteUrl: context.siteUrl,
    }),
    invite('CANCEL', inviteFileNames['registration-cancelled'], mail, data, context),
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
        ...(data.cancellationMessage
          ? [`De organisatoren schrijven erbij: “${data.cancellationMessage}”`]
          : []),
        ...whenAndWhere(data),
        'Staat de bijeenkomst in je agenda? Met de bijlage haal je hem eruit.',
        'Het spijt ons dat we je moeten teleurstellen. Op de site vind je de andere bijeenkomsten van het kennisnetwerk.',
      ],
      action: { label: 'Bekijk de bijeenkomsten', url: `${context.siteUrl}${paths.meetings}` },
      reason,
      siteUrl: context.siteUrl,
    }),
    invite('CANCEL', inviteFileNames['meeting-cancelled'], mail, data, context),
  );
};

/**
 * The time or place changed. The mail says the new when and where (the outbox mail carries the meeting as it
 * is now) and carries a REQUEST with the raised SEQUENCE, so the calendar moves the meeting.
 */
export const composeMeetingUpdated = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const data = mailData(mail);
  return outgoing(
    mail,
    renderHouseMail({
      subject: `Gewijzigd: ${data.title}`,
      ...greeting(mail),
      preheader: 'De tijd of plaats van de bijeenkomst is veranderd.',
      paragraphs: [
        `De tijd of plaats van ${data.title} is veranderd. Je aanmelding blijft staan. Dit zijn de nieuwe gegevens:`,
        ...whenAndWhere(data),
        'In de bijlage zit de bijgewerkte uitnodiging. Open hem om de bijeenkomst in je agenda te verplaatsen.',
        'Kun je op de nieuwe tijd of plaats niet komen? Meld je dan af, dan geven we je plaats aan iemand van de wachtlijst.',
      ],
      action: { label: 'Afmelden', url: cancelUrl(mail, data, context) },
      closing: [`Meer over de bijeenkomst: ${meetingPageUrl(data, context)}`],
      reason,
      siteUrl: context.siteUrl,
    }),
    invite('REQUEST', inviteFileNames.update, mail, data, context),
  );
};

const aDayOf = (instant: string): number => {
  const local = amsterdamLocalParts(instant);
  return Date.UTC(local.year, local.month - 1, local.day) / aDayMs;
};

/**
 * "vandaag", "morgen", "overmorgen" or "op donderdag 14 januari 2027": the day of the meeting as seen from the
 * day the reminder was written (the outbox mail's createdAt; composing has no clock of its own).
 */
export const meetingDayFrom = (startsAt: string, writtenAt: string): string => {
  const days = aDayOf(startsAt) - aDayOf(writtenAt);
  if (days <= 0) return 'vandaag';
  if (days === 1) return 'morgen';
  if (days === 2) return 'overmorgen';
  return `op ${formatDate(startsAt)}`;
};

/**
 * The reminder before the day. It carries no invite: the participant has the current one already (from the
 * confirmation, and from every update with its raised SEQUENCE). Sending the same REQUEST again makes some
 * mail programs offer it as a new invitation or import a second copy, and it would put the meeting back in a
 * calendar that somebody cleared on purpose. A reminder reminds; it does not change calendars.
 */
export const composeMeetingReminder = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const data = mailData(mail);
  const day = meetingDayFrom(data.startsAt, mail.createdAt);
  return outgoing(
    mail,
    renderHouseMail({
      subject: `Herinnering: ${data.title} is ${day}`,
      ...greeting(mail),
      preheader: `Tot ${day === 'vandaag' || day === 'morgen' || day === 'overmorgen' ? day : 'dan'} in ${data.city}!`,
      paragraphs: [
        `${data.title} is ${day}. Je bent aangemeld en we zien je graag.`,
        ...whenAndWhere(data),
        'Kun je toch niet komen? Meld je dan af, dan kan iemand anders je plaats krijgen.',
      ],
      action: { label: 'Afmelden', url: cancelUrl(mail, data, context) },
      closing: [`Meer over de bijeenkomst: ${meetingPageUrl(data, context)}`],
      reason,
      siteUrl: context.siteUrl,
    }),
  );
};
