import { renderHouseMail } from '../../web/mail/house';
import { InvalidInput } from '../errors';
import type { Organiser } from '../organisers/identity';
import type { Mailer, SentMail } from '../ports';

export interface TestMailInput {
  readonly subject: string;
  /** The body as plain text; blank lines separate paragraphs. */
  readonly body: string;
}

export interface TestMailPorts {
  readonly mailer: Mailer;
  /** The public site, for the links in the mail. */
  readonly siteUrl: string;
}

/**
 * Sends a text in the house template to the organiser's own address, so organisers see a mail exactly as
 * subscribers will, in their own mail client, before anything goes out.
 * 1. The organiser's address comes from the identity provider, never from the request.
 * 2. The body becomes paragraphs of the house template.
 * 3. One mail, through the Mailer port.
 */
export const sendTestMail = async (
  { mailer, siteUrl }: TestMailPorts,
  organiser: Organiser,
  input: TestMailInput,
): Promise<SentMail> => {
  if (!organiser.email) {
    throw new InvalidInput([
      { field: 'email', message: 'Je account heeft geen e-mailadres om naar te sturen.' },
    ]);
  }
  const paragraphs = input.body
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0);
  const mail = renderHouseMail({
    subject: `[Test] ${input.subject}`,
    ...(organiser.name ? { greetingName: organiser.name } : {}),
    paragraphs,
    reason: 'Je ontvangt deze testmail omdat je hem zelf hebt verstuurd als organisator van Drop In.',
    siteUrl,
  });
  return mailer.send({ to: { address: organiser.email }, ...mail });
};
