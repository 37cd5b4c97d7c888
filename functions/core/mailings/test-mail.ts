import { DomainError, InvalidInput } from '../errors';
import type { Organiser } from '../organisers/identity';
import type { PersonIds } from '../people/person-id';
import type { Mailer, OutgoingMail, SentMail } from '../ports';
import type { SuppressionCheck } from './delivery';

/** The address is on the suppression list (it bounced or complained): nothing is sent to it. */
export class RecipientSuppressed extends DomainError {
  readonly code = 'recipient-suppressed';
  constructor() {
    super(
      'Je e-mailadres staat op de lijst van adressen die niet meer worden gemaild, omdat mail eraan ' +
        'onbestelbaar was of als spam is gemeld. Er is niets verstuurd.',
    );
  }
}

export interface TestMailInput {
  readonly subject: string;
  /** The body as plain text; blank lines separate paragraphs. */
  readonly body: string;
}

/** What a test mail says; the house template (functions/web/mail/) gives it its form. */
export interface TestMailContent {
  readonly subject: string;
  readonly greetingName?: string;
  readonly paragraphs: readonly string[];
}

export interface TestMailPorts {
  readonly mailer: Mailer;
  /** Every send consults the suppression list, this one too. */
  readonly suppressions: SuppressionCheck;
  readonly personIds: PersonIds;
  /** Renders the content as every mail of the system looks. */
  readonly render: (content: TestMailContent) => Omit<OutgoingMail, 'to'>;
}

/**
 * Sends a text in the house template to the organiser's own address, so organisers see a mail exactly as
 * subscribers will, in their own mail client, before anything goes out.
 * 1. The organiser's address comes from the identity provider, never from the request.
 * 2. A suppressed address gets nothing (RecipientSuppressed).
 * 3. Otherwise the body becomes paragraphs of the house template: one mail, through the Mailer port.
 */
export const sendTestMail = async (
  { mailer, render, suppressions, personIds }: TestMailPorts,
  organiser: Organiser,
  input: TestMailInput,
): Promise<SentMail> => {
  if (!organiser.email) {
    throw new InvalidInput([
      { field: 'email', message: 'Je account heeft geen e-mailadres om naar te sturen.' },
    ]);
  }
  if (await suppressions.isSuppressed(personIds.of(organiser.email))) throw new RecipientSuppressed();
  const paragraphs = input.body
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0);
  const mail = render({
    subject: `[Test] ${input.subject}`,
    ...(organiser.name ? { greetingName: organiser.name } : {}),
    paragraphs,
  });
  return mailer.send({ to: { address: organiser.email }, ...mail });
};
