import type { StoredMailing } from '../../core/mailings/drafts';
import type { Audience } from '../../core/mailings/mailing';
import type { RecipientVia } from '../../core/mailings/recipients';
import type { ComposeRecipientMail } from '../../core/mailings/sender';
import { invitationId } from '../../core/meetings/registration-requests';
import type { OutgoingMail } from '../../core/ports';
import { invitationLinkSeconds } from '../../core/retention';
import { unsubscribeTokenId } from '../../core/subscriptions/unsubscribe-scope';
import type { TokenSigner } from '../../core/tokens';
import { paths, tokenLink } from '../../paths';
import { mailingRecipientLinks } from './mailing-links';
import { composeImportConfirmation, composeMailingMail } from './mailing-mail';
import { unsubscribeHeaders } from './subscription-mails';

/**
 * An import's confirmation request as one person gets it: the mailing's text (where the address came from,
 * what confirming means) and a button with their confirm link, bound to this round of opt-in and expiring
 * with it, as the form's confirmation mail's. They are no subscriber yet, so no preferences; the unsubscribe
 * link (footer and `List-Unsubscribe`) deletes the pending subscription, address and all, at once.
 */
const importConfirmation = (
  { tokens, siteUrl }: { readonly tokens: TokenSigner; readonly siteUrl: string },
  stored: StoredMailing,
  recipient: Parameters<ComposeRecipientMail>[1] & {
    readonly via: Extract<RecipientVia, { kind: 'import' }>;
  },
): OutgoingMail => {
  const { personId, via } = recipient;
  const confirmToken = tokens.sign('confirm-subscription', `${personId}.${via.confirmationId}`, {
    expiresAt: via.expiresAt,
  });
  const unsubscribeUrl = tokenLink(
    siteUrl,
    paths.unsubscribe,
    tokens.sign('unsubscribe', unsubscribeTokenId({ kind: 'all', personId }), { ttlSeconds: null }),
  );
  const mail = composeImportConfirmation({
    mailing: stored.mailing,
    rendered: stored.rendered,
    ...(recipient.name ? { greetingName: recipient.name } : {}),
    confirmUrl: tokenLink(siteUrl, paths.confirmSubscription, confirmToken),
    unsubscribeUrl,
    siteUrl,
  });
  return {
    to: { address: recipient.address, ...(recipient.name ? { name: recipient.name } : {}) },
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    headers: unsubscribeHeaders(unsubscribeUrl),
  };
};

/** The part of the audience the footer names: the topics the reader has, or the meeting. */
const reasonAudience = (audience: Audience, via: Exclude<RecipientVia, { kind: 'import' }>): Audience =>
  via.kind === 'topics' || !('meeting' in audience)
    ? { topics: via.kind === 'topics' ? via.topics : [] }
    : { meeting: audience.meeting, registrations: audience.registrations };

/**
 * Every link to a meeting's page in the mailing becomes the recipient's personal invitation to that meeting:
 * the page's form then registers this person in one step (no confirmation mail: the link proves the address
 * is theirs). The token names the meeting and the person, never the address; another address typed in the
 * form is confirmed by mail as usual.
 */
export const withInvitations = (
  body: string,
  { tokens, siteUrl }: { readonly tokens: TokenSigner; readonly siteUrl: string },
  personId: string,
): string => {
  const meetingLink = new RegExp(
    `${escapeRegExp(siteUrl)}${escapeRegExp(paths.meetings)}/([A-Za-z0-9_-]{1,128})(?![\\w/?#-]|\\.\\w)`,
    'g',
  );
  const signed = new Map<string, string>();
  return body.replace(meetingLink, (link, meetingId: string) => {
    if (namedPages.has(meetingId)) return link;
    const token =
      signed.get(meetingId) ??
      tokens.sign('register-invite', invitationId(meetingId, personId), {
        ttlSeconds: invitationLinkSeconds,
      });
    signed.set(meetingId, token);
    return `${link}?uitnodiging=${token}`;
  });
};

/** The pages under /bijeenkomsten/ that are not a meeting (past meetings, cancel, confirm, the feed). */
const namedPages = new Set(
  Object.values(paths)
    .filter((path) => path.startsWith(`${paths.meetings}/`))
    .map((path) => path.slice(paths.meetings.length + 1).split(/[/.]/)[0] ?? ''),
);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A mailing as one recipient gets it: the stored rendering in the house template (mailing-mail.ts, as the
 * preview shows it) with their name, a footer saying why they get it, and their own links — preferences, and
 * the one-click unsubscribe link that the footer shows and `List-Unsubscribe` carries (RFC 8058).
 */
export const recipientMailComposer =
  (context: { readonly tokens: TokenSigner; readonly siteUrl: string }): ComposeRecipientMail =>
  (stored, recipient) => {
    if (recipient.via.kind === 'import')
      return importConfirmation(context, stored, { ...recipient, via: recipient.via });
    const links = mailingRecipientLinks(context, recipient.personId, recipient.via);
    const invite = (body: string) => withInvitations(body, context, recipient.personId);
    const mail = composeMailingMail({
      mailing: stored.mailing,
      rendered: stored.rendered,
      audience: reasonAudience(stored.mailing.audience, recipient.via),
      ...(recipient.name ? { greetingName: recipient.name } : {}),
      links,
      siteUrl: context.siteUrl,
    });
    return {
      to: { address: recipient.address, ...(recipient.name ? { name: recipient.name } : {}) },
      subject: mail.subject,
      html: invite(mail.html),
      text: invite(mail.text),
      headers: unsubscribeHeaders(links.unsubscribeUrl),
    };
  };
