import type { RenderedMailing } from '../../core/mailings/drafts';
import type { Audience, Mailing } from '../../core/mailings/mailing';
import { topicPhrases } from '../../core/subscriptions/model';
import { paths } from '../../paths';
import { type RenderedMail, renderHouseMail } from './house';
import { mailingBody } from './mailing-body';

/**
 * The mail a mailing becomes for one reader: its subject and preheader, the body as rendered when the draft
 * was saved (stored; no Markdown is parsed here), in the house template with a greeting and a footer that
 * says why the reader gets it, with their preferences and unsubscribe links. Pure: the preview, the
 * test-send and (later) the sender compose with this one function, so what the organiser previews is what
 * a recipient gets, except for the greeting and the links.
 *
 * Preview and test-sends have no real recipient: they get a sample greeting ("Beste lezer,") and sample
 * links — the preferences and unsubscribe pages without a token, which open the page and change nothing.
 * A real send will pass the recipient's name and their own signed links (the one-click unsubscribe link also
 * goes into `List-Unsubscribe`); that part of the sender is not built yet.
 */
export interface MailingRecipientLinks {
  readonly preferencesUrl: string;
  readonly unsubscribeUrl: string;
}

export interface MailingMailInput {
  readonly mailing: Pick<Mailing, 'subject' | 'preheader'>;
  readonly rendered: RenderedMailing;
  /** What brought this reader into the audience: the footer says so. */
  readonly audience: Audience;
  /** The reader's name; none gives "Hallo,". */
  readonly greetingName?: string;
  readonly links: MailingRecipientLinks;
  readonly siteUrl: string;
}

export interface MailingMail extends RenderedMail {
  readonly preheader?: string;
}

const orList = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} of ${words.at(-1)}`;

/** An import's confirmation request: the body says where the address came from. */
export const importReason =
  'Je ontvangt deze e-mail één keer, omdat je adres op een lijst stond die Drop In kreeg (zie hierboven).';

/** Why the reader gets the mail, from the part of the audience they belong to. */
export const mailingReason = (audience: Audience): string => {
  if ('import' in audience) return importReason;
  const reasons: string[] = [];
  if ('topics' in audience && audience.topics.length > 0) {
    reasons.push(`je bent aangemeld voor ${orList(audience.topics.map((topic) => topicPhrases[topic]))}`);
  }
  if ('meeting' in audience) {
    reasons.push(
      audience.registrations === 'waiting'
        ? 'je op de wachtlijst van een bijeenkomst staat'
        : audience.registrations === 'confirmed'
          ? 'je voor een bijeenkomst bent aangemeld'
          : 'je voor een bijeenkomst bent aangemeld of op de wachtlijst staat',
    );
  }
  return `Je ontvangt deze mail van Drop In omdat ${reasons.join(' of omdat ')}.`;
};

export const composeMailingMail = (input: MailingMailInput): MailingMail => {
  const preheader = input.mailing.preheader?.trim() || undefined;
  const mail = renderHouseMail({
    subject: input.mailing.subject,
    ...(input.greetingName ? { greetingName: input.greetingName } : {}),
    ...(preheader ? { preheader } : {}),
    paragraphs: [],
    body: mailingBody(input.rendered),
    reason: mailingReason(input.audience),
    preferencesUrl: input.links.preferencesUrl,
    unsubscribeUrl: input.links.unsubscribeUrl,
    siteUrl: input.siteUrl,
  });
  return { ...mail, ...(preheader ? { preheader } : {}) };
};

/**
 * An import's confirmation request (audience `{ import: id }`): the stored rendering, then the confirm button,
 * and a footer with only the unsubscribe link — the reader is no subscriber yet, so there are no preferences.
 */
export const composeImportConfirmation = (input: {
  readonly mailing: Pick<Mailing, 'subject' | 'preheader'>;
  readonly rendered: RenderedMailing;
  readonly greetingName?: string;
  readonly confirmUrl: string;
  readonly unsubscribeUrl: string;
  readonly siteUrl: string;
}): MailingMail => {
  const preheader = input.mailing.preheader?.trim() || undefined;
  const mail = renderHouseMail({
    subject: input.mailing.subject,
    ...(input.greetingName ? { greetingName: input.greetingName } : {}),
    ...(preheader ? { preheader } : {}),
    paragraphs: [],
    body: mailingBody(input.rendered),
    action: { label: 'Aanmelding bevestigen', url: input.confirmUrl },
    closing: [
      'Wil je geen e-mail van Drop In? Dan hoef je niets te doen. Wil je dat we je adres nu meteen verwijderen, gebruik dan de afmeldlink hieronder.',
    ],
    reason: importReason,
    unsubscribeUrl: input.unsubscribeUrl,
    siteUrl: input.siteUrl,
  });
  return { ...mail, ...(preheader ? { preheader } : {}) };
};

/** The greeting of the preview and test-sends: "Beste lezer,". */
export const sampleGreetingName = 'lezer';

/** Links that look like a recipient's but carry no token: they open the page and change nothing. */
export const sampleRecipientLinks = (siteUrl: string): MailingRecipientLinks => ({
  preferencesUrl: `${siteUrl}${paths.preferences}`,
  unsubscribeUrl: `${siteUrl}${paths.unsubscribe}`,
});

/** The mailing as a sample reader gets it: the preview, and the test-sends before their `[Test]` mark. */
export const sampleMailingMail =
  (siteUrl: string) =>
  ({ mailing, rendered }: { mailing: Mailing; rendered: RenderedMailing }): MailingMail =>
    'import' in mailing.audience
      ? composeImportConfirmation({
          mailing,
          rendered,
          greetingName: sampleGreetingName,
          confirmUrl: `${siteUrl}${paths.confirmSubscription}`,
          unsubscribeUrl: `${siteUrl}${paths.unsubscribe}`,
          siteUrl,
        })
      : composeMailingMail({
          mailing,
          rendered,
          audience: mailing.audience,
          greetingName: sampleGreetingName,
          links: sampleRecipientLinks(siteUrl),
          siteUrl,
        });
