import { Html } from '../html';

/**
 * The stored body of a mailing as the house mail takes it. The one place stored HTML is trusted: it was
 * written by renderMailingContent (mailing-content.ts) and nothing else. Apart from the renderer, so the
 * functions that only read a stored rendering (preview, test-send, the sender) bundle no Markdown parser.
 */
export const mailingBody = (content: {
  readonly html: string;
  readonly text: string;
}): { html: Html; text: string } => ({
  html: new Html(content.html),
  text: content.text,
});
