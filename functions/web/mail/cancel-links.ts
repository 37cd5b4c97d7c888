import { aDayMs } from '../../core/amsterdam-time';
import { cancelTokenId } from '../../core/meetings/mail-data';
import type { TokenSigner } from '../../core/tokens';
import { paths, tokenLink } from '../../paths';

/**
 * The cancel link of a registration, as its mails and the "je bent al aangemeld" page carry it. Its own
 * module, so a page that shows the link does not bundle the meeting mails and their calendar invites.
 */

/** At least this long, so a mail written just before the end still has a working link. */
const minimumCancelTtlSeconds = 3600;

/**
 * Cancel links work until a day after the meeting ends. Counted from when the mail was written (the outbox
 * item's createdAt), not from the sending: composing has no clock of its own, and a late delivery only makes
 * the link last a little longer than the day after, which the cancel itself refuses anyway once it is over.
 */
export const cancelLinkTtlSeconds = (data: { readonly endsAt: string }, writtenAt: string): number => {
  const seconds = Math.ceil((Date.parse(data.endsAt) + aDayMs - Date.parse(writtenAt)) / 1000);
  return Number.isFinite(seconds) ? Math.max(minimumCancelTtlSeconds, seconds) : minimumCancelTtlSeconds;
};

/** The cancel link of one registration, valid until a day after the meeting ends (from `writtenAt`). */
export const registrationCancelUrl = (
  context: { readonly tokens: TokenSigner; readonly siteUrl: string },
  registration: { readonly meetingId: string; readonly personId: string; readonly registrationId: string },
  endsAt: string,
  writtenAt: string,
): string =>
  tokenLink(
    context.siteUrl,
    paths.cancelRegistration,
    context.tokens.sign('cancel-registration', cancelTokenId(registration), {
      ttlSeconds: cancelLinkTtlSeconds({ endsAt }, writtenAt),
    }),
  );
