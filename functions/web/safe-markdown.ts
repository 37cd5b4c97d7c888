import MarkdownIt, { type Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Organiser Markdown made safe, for mails and pages alike: rendered once when it is saved, stored as HTML.
 * Two locks, either of which would hold alone: markdown-it with raw HTML off (organiser HTML is text) and
 * links only to absolute http(s) and mailto; then sanitize-html with an allow-list of tags and attributes
 * (`href` and `rel` on links, `start` on numbered lists). No style attributes (the pages' content security policy allows none; mails add the
 * house styles after this). No images: a remote image is a tracking pixel for whoever hosts it, and mail
 * clients block them anyway; an image in the Markdown becomes a link to it with its alt text.
 */

/** Links in a mail must work outside the site and do nothing but open: absolute http(s) or mailto only. */
const allowedLink = /^(https?:\/\/[^/\s?#]|mailto:[^\s@/]+@[^\s@/]+$)/i;

const markdown = new MarkdownIt('default', {
  html: false,
  linkify: true,
  typographer: false,
  breaks: false,
});
// Tables render badly in plain text and in half the mail clients: pipes stay text.
markdown.disable(['table']);
// Only written-out URLs and addresses become links, not every "drop-in.nl" in a sentence.
markdown.linkify.set({ fuzzyLink: false, fuzzyIP: false, fuzzyEmail: true });
markdown.validateLink = (url) => allowedLink.test(url.trim());

// No images (a remote image is a tracking pixel): an image becomes a link to it, named by its alt text.
markdown.renderer.rules.image = (tokens, index, options, env, self) => {
  const token = tokens[index];
  if (!token) return '';
  const label = self.renderInlineAsText(token.children ?? [], options, env) || 'afbeelding';
  const src = String(token.attrGet('src') ?? '');
  return `<a href="${markdown.utils.escapeHtml(src)}">${markdown.utils.escapeHtml(label)}</a>`;
};

const headingTags = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    ...headingTags,
    'p',
    'br',
    'hr',
    'ul',
    'ol',
    'li',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    's',
    'a',
  ],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  allowedStyles: {},
  disallowedTagsMode: 'discard',
  // Script, style and their kin lose their content too; other unknown tags keep their text.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'iframe',
    'object',
    'embed',
    'svg',
    'math',
  ],
  transformTags: {
    // A link to anything but an absolute http(s) or mailto address loses the tag and keeps its text.
    a: (tagName, attribs) =>
      attribs.href && allowedLink.test(attribs.href)
        ? { tagName, attribs: { href: attribs.href, rel: 'noopener noreferrer' } }
        : { tagName: 'span', attribs: {} as sanitizeHtml.Attributes },
  },
};

/** The Markdown's tokens (for a plain-text rendering from the same parse). */
export const parseMarkdown = (source: string): Token[] => markdown.parse(source, {});

/** The tokens as sanitized HTML blocks: allow-listed tags, `href` on links, nothing else. */
export const safeHtml = (tokens: Token[]): string =>
  sanitizeHtml(markdown.renderer.render(tokens, markdown.options, {}), sanitizeOptions).trim();
