import type { OutboxMail } from '../../core/mailings/outbox';
import type { OutgoingMail } from '../../core/ports';
import { pendingSubscriptionDays } from '../../core/retention';
import type { TokenSigner } from '../../core/tokens';
import { paths, tokenLink } from '../../paths';
import { type HouseMailInput, renderHouseMail } from './house';

export interface ComposeContext {
  readonly tokens: TokenSigner;
  readonly siteUrl: string;
  /** The mailbox calendar invites name as ORGANIZER (the sender address). */
  readonly organiserAddress: string;
  /** The domain of calendar UIDs (`<meetingId>@<domain>`): the host of the public site. */
  readonly calendarDomain: string;
}

/** Preference links last a month; a new one is a subscribe away (an active subscriber gets one by mail). */
export const preferencesTtlSeconds = 30 * 24 * 3600;

/** Every mail to a subscriber carries RFC 8058 one-click unsubscribe, and the footer link to the same URL. */
export const unsubscribeHeaders = (unsubscribeUrl: string) => [
  { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
  { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
];

const subscriberLinks = ({ tokens, siteUrl }: ComposeContext, personId: string) => ({
  preferencesUrl: tokenLink(
    siteUrl,
    paths.preferences,
    tokens.sign('manage-preferences', personId, { ttlSeconds: preferencesTtlSeconds }),
  ),
  unsubscribeUrl: tokenLink(
    siteUrl,
    paths.unsubscribe,
    tokens.sign('unsubscribe', personId, { ttlSeconds: null }),
  ),
});

const greeting = (mail: OutboxMail) => (mail.recipient.name ? { greetingName: mail.recipient.name } : {});

/**
 * The opt-in mail. Its confirm link expires exactly when the pending subscription does (`data.expiresAt`,
 * epoch seconds, written with it), so the link never outlives what it confirms, however late the mail goes.
 */
export const composeSubscriptionConfirm = (mail: OutboxMail, context: ComposeContext): OutgoingMail => {
  const { confirmationId, expiresAt } = mail.data;
  if (!confirmationId) throw new Error(`Outbox mail ${mail.mailId} has no confirmationId`);
  if (!expiresAt || !/^\d+$/.test(expiresAt)) {
    throw new Error(`Outbox mail ${mail.mailId} has no valid expiresAt (epoch seconds)`);
  }
  const expiry = Number(expiresAt);
  let token: string;
  try {
    token = context.tokens.sign('confirm-subscription', `${mail.recipient.personId}.${confirmationId}`, {
      expiresAt: expiry,
    });
  } catch (error) {
    throw new Error(
      `Outbox mail ${mail.mailId}: no confirm link, the pending subscription expired at ${new Date(expiry * 1000).toISOString()}`,
      { cause: error },
    );
  }
  const rendered = renderHouseMail({
    subject: 'Bevestig je aanmelding voor e-mail van Drop In',
    ...greeting(mail),
    preheader: 'Nog één stap: bevestig je aanmelding.',
    paragraphs: [
      'Je hebt je aangemeld voor e-mail van Drop In. Bevestig je aanmelding met de knop hieronder; daarna sturen we je alleen berichten over de onderwerpen die je hebt gekozen.',
    ],
    action: {
      label: 'Aanmelding bevestigen',
      url: tokenLink(context.siteUrl, paths.confirmSubscription, token),
    },
    closing: [
      `De link werkt ${pendingSubscriptionDays} dagen. Heb je je niet aangemeld? Dan hoef je niets te doen: zonder bevestiging sturen we je niets meer en verwijderen we je adres.`,
    ],
    reason: 'Je ontvangt deze e-mail omdat dit adres is opgegeven voor e-mail van Drop In.',
    siteUrl: context.siteUrl,
  });
  return { to: { address: mail.recipient.address }, ...rendered };
};

/**
 * A mail to an active subscriber: greeting, the "Mijn voorkeuren" button, and one-click unsubscribe in the
 * footer and the headers. Only the words differ per mail.
 */
const subscriberMail = (
  mail: OutboxMail,
  context: ComposeContext,
  words: Pick<HouseMailInput, 'subject' | 'paragraphs' | 'closing' | 'reason'>,
): OutgoingMail => {
  const { preferencesUrl, unsubscribeUrl } = subscriberLinks(context, mail.recipient.personId);
  const rendered = renderHouseMail({
    ...words,
    ...greeting(mail),
    action: { label: 'Mijn voorkeuren', url: preferencesUrl },
    unsubscribeUrl,
    siteUrl: context.siteUrl,
  });
  return {
    to: { address: mail.recipient.address },
    ...rendered,
    headers: unsubscribeHeaders(unsubscribeUrl),
  };
};

export const composeSubscriptionWelcome = (mail: OutboxMail, context: ComposeContext): OutgoingMail =>
  subscriberMail(mail, context, {
    subject: 'Welkom bij Drop In: je aanmelding is bevestigd',
    paragraphs: [
      'Je aanmelding is bevestigd. Je hoort voortaan van ons over de onderwerpen die je hebt gekozen.',
      'Wil je andere onderwerpen, of je naam aanpassen? Dat kan via je voorkeuren.',
    ],
    reason: 'Je ontvangt deze e-mail omdat je je hebt aangemeld voor e-mail van Drop In.',
  });

/** Asked for on the page a link with a retired key opens (docs/architecture.md, "Links and tokens"). */
export const composeSubscriptionFreshLink = (mail: OutboxMail, context: ComposeContext): OutgoingMail =>
  subscriberMail(mail, context, {
    subject: 'Je nieuwe link voor e-mail van Drop In',
    paragraphs: [
      'Je vroeg om een nieuwe link, omdat een link uit een oudere e-mail van Drop In niet meer werkt.',
      'Via je voorkeuren pas je je onderwerpen of je naam aan, of meld je je af.',
    ],
    closing: ['Heb je dit niet zelf gevraagd? Dan hoef je niets te doen.'],
    reason: 'Je ontvangt deze e-mail omdat je bent aangemeld voor e-mail van Drop In.',
  });

export const composeSubscriptionManageLink = (mail: OutboxMail, context: ComposeContext): OutgoingMail =>
  subscriberMail(mail, context, {
    subject: 'Je bent al aangemeld voor e-mail van Drop In',
    paragraphs: [
      'Iemand heeft dit adres opnieuw opgegeven voor e-mail van Drop In. Je bent al aangemeld, dus er verandert niets.',
      'Wil je je onderwerpen of je naam aanpassen, of je afmelden? Dat kan via je voorkeuren.',
    ],
    closing: ['Heb je dit niet zelf gedaan? Dan hoef je niets te doen.'],
    reason: 'Je ontvangt deze e-mail omdat je bent aangemeld voor e-mail van Drop In.',
  });
