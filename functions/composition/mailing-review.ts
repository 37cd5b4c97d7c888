import type { MailingPreviewPorts } from '../core/mailings/review';
import { sampleMailingMail } from '../web/mail/mailing-mail';
import { mailingStore } from './mailing-store';
import { once } from './once';
import { siteUrl } from './process';

/**
 * The preview: the stored rendering composed for a sample recipient. No Markdown renderer (the rendering is
 * stored with the draft) and no SES client here; the test-send adds SES in mailing-test-send.ts.
 */
export const mailingPreview = once(
  (): MailingPreviewPorts => ({ store: mailingStore(), compose: sampleMailingMail(siteUrl) }),
);
