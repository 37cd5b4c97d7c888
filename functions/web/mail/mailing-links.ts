import type { Topic } from '../../core/subscriptions/model';
import { unsubscribeTokenId } from '../../core/subscriptions/unsubscribe-scope';
import type { TokenSigner } from '../../core/tokens';
import { paths, tokenLink } from '../../paths';
import type { MailingRecipientLinks } from './mailing-mail';
import { preferencesTtlSeconds } from './subscription-mails';

/** How a recipient came into a mailing's audience. */
export type MailingRecipientVia =
  /** The mailing's topics this person is subscribed to. */
  | { readonly kind: 'topics'; readonly topics: readonly Topic[] }
  /** Only as a meeting participant. */
  | { readonly kind: 'meeting' };

/**
 * One recipient's links in a mailing: the preferences (a month, as in every subscriber mail) and the one-click
 * unsubscribe link, which the footer shows and `List-Unsubscribe` carries (`unsubscribeHeaders`).
 *
 * The unsubscribe link is an `unsubscribe` token that never expires (it lives as long as its key, 13 months
 * after that key stops signing) with a scope in its id (core/subscriptions/unsubscribe-scope.ts, which says
 * why a scope and not a purpose of its own): a topic recipient leaves the topics this mailing went to, and
 * nothing else; someone who got it only as a meeting participant stops organiser mailings to meeting
 * audiences, and keeps the mail about their own registrations.
 */
export const mailingRecipientLinks = (
  context: { tokens: TokenSigner; siteUrl: string },
  personId: string,
  via: MailingRecipientVia,
): MailingRecipientLinks => {
  const { tokens, siteUrl } = context;
  const scopeId = unsubscribeTokenId(
    via.kind === 'topics' ? { kind: 'topics', personId, topics: via.topics } : { kind: 'meeting', personId },
  );
  return {
    preferencesUrl: tokenLink(
      siteUrl,
      paths.preferences,
      tokens.sign('manage-preferences', personId, { ttlSeconds: preferencesTtlSeconds }),
    ),
    unsubscribeUrl: tokenLink(
      siteUrl,
      paths.unsubscribe,
      tokens.sign('unsubscribe', scopeId, { ttlSeconds: null }),
    ),
  };
};
