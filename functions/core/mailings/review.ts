import { DomainError, InvalidInput } from '../errors';
import type { Organiser } from '../organisers/identity';
import type { PersonIds } from '../people/person-id';
import type { Clock, Mailer } from '../ports';
import type { SuppressionCheck } from './delivery';
import { findMailing, type MailingStore, type StoredMailing } from './drafts';
import { approveMailing, assertTestSendable, recordTestSend, StaleMailing } from './mailing';

/**
 * Reviewing a mailing before it goes out (docs/architecture.md, "Mailings"): the preview, test-sends and a
 * second organiser's approval. The mail itself is composed from the rendering stored with the draft
 * (web/mail/mailing-mail.ts), so the preview and a test-send show exactly what a recipient gets, with a
 * sample greeting and sample links in place of the recipient's own.
 */

/** The mail a sample recipient gets. */
export interface MailingPreview {
  readonly subject: string;
  readonly preheader?: string;
  readonly html: string;
  readonly text: string;
}

export interface MailingReviewPorts {
  readonly store: Pick<MailingStore, 'get' | 'replace'>;
  readonly clock: Clock;
}

export interface MailingPreviewPorts {
  readonly store: Pick<MailingStore, 'get'>;
  /** The mailing as a sample recipient gets it. */
  readonly compose: (stored: StoredMailing) => MailingPreview;
}

export interface MailingTestSendPorts extends MailingReviewPorts {
  readonly compose: MailingPreviewPorts['compose'];
  readonly mailer: Mailer;
  /** Every send consults the suppression list, test-sends too. */
  readonly suppressions: SuppressionCheck;
  readonly personIds: PersonIds;
}

/** Some of the test addresses are on the suppression list: nothing was sent to any of them. */
export class TestRecipientsSuppressed extends DomainError {
  readonly code = 'recipient-suppressed';
  constructor(readonly addresses: readonly string[]) {
    super(
      `${addresses.length === 1 ? 'Dit adres staat' : 'Deze adressen staan'} op de lijst van adressen die niet ` +
        `meer worden gemaild, omdat mail eraan onbestelbaar was of als spam is gemeld: ${addresses.join(', ')}. ` +
        'Er is niets verstuurd; laat ze weg en probeer het opnieuw.',
    );
  }
}

export const testSubjectPrefix = '[Test] ';

/** The mail a sample recipient of the mailing gets, as it is stored now (any organiser). */
export const previewMailing = async (
  ports: MailingPreviewPorts,
  mailingId: string,
): Promise<{ stored: StoredMailing; preview: MailingPreview }> => {
  const stored = await findMailing(ports, mailingId);
  return { stored, preview: ports.compose(stored) };
};

/**
 * An organiser test-sends the mailing to up to five addresses (their own when none are given).
 * 1. The mailing exists and is a draft or scheduled (409 otherwise); the addresses are 1 to 5 (400).
 * 2. If any address is suppressed, nothing is sent to any (TestRecipientsSuppressed).
 * 3. One mail per address, now, the subject marked `[Test] `; then the test-send is recorded with the
 *    version it showed, conditional on what was read (412 when the mailing changed meanwhile: the mails went
 *    out, the record did not; sending again records it).
 */
export const testSendMailing = async (
  ports: MailingTestSendPorts,
  mailingId: string,
  organiser: Organiser,
  to: readonly string[] | undefined,
): Promise<StoredMailing> => {
  const stored = await findMailing(ports, mailingId);
  assertTestSendable(stored.mailing);
  const addresses = to ?? (organiser.email ? [organiser.email] : undefined);
  if (addresses === undefined) {
    throw new InvalidInput([
      { field: 'to', message: 'Je account heeft geen e-mailadres; geef de adressen voor de testmail op.' },
    ]);
  }
  const next = recordTestSend(stored.mailing, organiser, addresses, ports.clock.now());
  const recipients = next.testSends?.at(-1)?.to ?? [];
  const suppressed: string[] = [];
  for (const address of recipients) {
    if (await ports.suppressions.isSuppressed(ports.personIds.of(address))) suppressed.push(address);
  }
  if (suppressed.length > 0) throw new TestRecipientsSuppressed(suppressed);
  const mail = ports.compose({
    mailing: { ...stored.mailing, subject: `${testSubjectPrefix}${stored.mailing.subject}` },
    rendered: stored.rendered,
  });
  for (const address of recipients) {
    await ports.mailer.send({ to: { address }, subject: mail.subject, html: mail.html, text: mail.text });
  }
  const result = { mailing: next, rendered: stored.rendered };
  await ports.store.replace(stored.mailing, result);
  return result;
};

/**
 * A second organiser approves the mailing at the version they saw (If-Match).
 * 1. Another version than the stored one → 412; not a draft → 409; the author → 403 that says why.
 * 2. The approval binds to this version and is written conditional on what was read.
 */
export const approveMailingVersion = async (
  ports: MailingReviewPorts,
  mailingId: string,
  expectedVersion: number,
  organiser: Organiser,
): Promise<StoredMailing> => {
  const stored = await findMailing(ports, mailingId);
  if (stored.mailing.version !== expectedVersion) throw new StaleMailing();
  const result = {
    mailing: approveMailing(stored.mailing, organiser, ports.clock.now()),
    rendered: stored.rendered,
  };
  await ports.store.replace(stored.mailing, result);
  return result;
};
