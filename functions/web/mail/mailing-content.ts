import type { Token } from 'markdown-it';
import { parseMarkdown, safeHtml } from '../safe-markdown';

/**
 * The body of a mailing: the organiser's Markdown, rendered once when the draft is saved into sanitized HTML
 * blocks for the house mail (house.ts) and a real plain-text part from the same parse. Pure: Markdown in,
 * `{ html, text }` out; what is stored is what every recipient gets.
 *
 * The Markdown goes through the site's one safe pipeline (web/safe-markdown.ts: raw HTML off, an allow-list
 * sanitiser, no images); the mail adds its house styles inline. No click tracking: links go where the
 * organiser wrote.
 */
export interface MailingContent {
  /** Sanitized HTML blocks, styled inline for mail clients; goes into the house mail as it is. */
  readonly html: string;
  /** The same content as plain text: headings, lists, quotes, links as "text (url)"; no tags, no entities. */
  readonly text: string;
  /** The preview text next to the subject, whitespace collapsed; absent when not given or empty. */
  readonly preheader?: string;
}

/** Organiser input the renderer refuses, with a message in Dutch that the API can show as it is. */
export class MailingContentRejected extends Error {
  override readonly name = 'MailingContentRejected';
}

export const maxMarkdownBytes = 100 * 1024;
export const maxPreheaderChars = 200;

/** The house look, added to the sanitized tags: organiser content itself carries no style attribute. */
export const mailingStyles: Readonly<Record<string, string>> = {
  h1: 'margin:24px 0 12px;font-size:24px;line-height:1.3',
  h2: 'margin:24px 0 12px;font-size:20px;line-height:1.3',
  h3: 'margin:20px 0 8px;font-size:18px;line-height:1.3',
  h4: 'margin:16px 0 8px;font-size:16px;line-height:1.3',
  h5: 'margin:16px 0 8px;font-size:16px;line-height:1.3',
  h6: 'margin:16px 0 8px;font-size:16px;line-height:1.3',
  p: 'margin:0 0 16px;font-size:16px;line-height:1.5',
  ul: 'margin:0 0 16px;padding-left:24px;font-size:16px;line-height:1.5',
  ol: 'margin:0 0 16px;padding-left:24px;font-size:16px;line-height:1.5',
  li: 'margin:0 0 4px',
  blockquote: 'margin:0 0 16px;padding:0 0 0 16px;border-left:4px solid #e5e1da;color:#4a4a48',
  pre: 'margin:0 0 16px;padding:12px;background:#f4f1ec;white-space:pre-wrap;font-size:14px',
  hr: 'margin:24px 0;border:0;border-top:1px solid #e5e1da',
  a: 'color:#8a1c3a',
};

/**
 * Sanitized output has a known shape: tags from the allow-list, attribute values quoted and escaped, `<`
 * in text escaped. So an opening tag is `<name` followed by ` ` or `>`, and the style goes right after it.
 */
const withHouseStyles = (sanitized: string): string =>
  sanitized.replace(/<([a-z][a-z0-9]*)(?=[\s/>])/g, (tag, name: string) => {
    const style = mailingStyles[name];
    return style ? `${tag} style="${style}"` : tag;
  });

const linkTarget = (href: string): string => href.replace(/^mailto:/i, '');

/** The text of inline tokens; links as "text (url)", or the bare url when the text is the url. */
const inlineText = (children: readonly Token[]): string => {
  let out = '';
  const links: { href: string; start: number }[] = [];
  for (const token of children) {
    switch (token.type) {
      case 'text':
      case 'text_special':
      case 'code_inline':
        out += token.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'link_open':
        links.push({ href: String(token.attrGet('href') ?? ''), start: out.length });
        break;
      case 'link_close': {
        const link = links.pop();
        if (!link) break;
        const label = out.slice(link.start).trim();
        const target = linkTarget(link.href);
        if (label !== target && label !== link.href) out += ` (${target})`;
        break;
      }
      case 'image': {
        const label = inlineText(token.children ?? []) || 'afbeelding';
        out += `${label} (${token.attrGet('src') ?? ''})`;
        break;
      }
      default:
        // em, strong, s: the words count, not the markers.
        break;
    }
  }
  return out;
};

const underline = (text: string, char: string): string => {
  const width = Math.max(...text.split('\n').map((line) => [...line].length));
  return `${text}\n${char.repeat(Math.min(Math.max(width, 3), 72))}`;
};

/**
 * Walks the block tokens (flat, with open and close markers, so no recursion) and writes plain text: a
 * blank line between blocks, list items with "-" or their number (a tight list line by line), nested lists
 * indented, quotes with "> ".
 */
const plainText = (tokens: readonly Token[]): string => {
  const lines: string[] = [];
  /** The open containers: each contributes a prefix to the lines inside it. */
  const stack: { kind: 'bullet' | 'ordered' | 'quote'; next: number }[] = [];
  /** The marker of a list item whose first line is still to come. */
  let itemMarker: string | undefined;
  /** The last line written belongs to a tight list item: the next tight item follows without a blank line. */
  let inTightList = false;
  /** The containers open at the last line: the blank line before a block is inside those still open. */
  let openAtLastLine: (typeof stack)[number][] = [];

  const indent = (frame: (typeof stack)[number]): string =>
    frame.kind === 'quote' ? '> ' : ' '.repeat(frame.kind === 'ordered' ? `${frame.next - 1}. `.length : 2);
  const innermostList = (): number => stack.findLastIndex((frame) => frame.kind !== 'quote');

  const emit = (text: string, tight = false) => {
    const rest = stack.map(indent).join('');
    const marker = innermostList();
    const first = stack
      .map((frame, i) => (i === marker && itemMarker !== undefined ? itemMarker : indent(frame)))
      .join('');
    itemMarker = undefined;
    if (lines.length > 0 && !tight) {
      const shared = stack.findIndex((frame, i) => frame !== openAtLastLine[i]);
      lines.push(
        stack
          .slice(0, shared === -1 ? stack.length : shared)
          .map(indent)
          .join('')
          .trimEnd(),
      );
    }
    text.split('\n').forEach((line, i) => {
      lines.push(`${i === 0 ? first : rest}${line}`.trimEnd());
    });
    openAtLastLine = [...stack];
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    switch (token.type) {
      case 'heading_open': {
        const text = inlineText(tokens[i + 1]?.children ?? []);
        emit(token.tag === 'h1' ? underline(text, '=') : token.tag === 'h2' ? underline(text, '-') : text);
        inTightList = false;
        i += 2;
        break;
      }
      case 'paragraph_open':
        emit(inlineText(tokens[i + 1]?.children ?? []), token.hidden && inTightList);
        inTightList = token.hidden;
        i += 2;
        break;
      case 'bullet_list_open':
        stack.push({ kind: 'bullet', next: 1 });
        break;
      case 'ordered_list_open':
        stack.push({ kind: 'ordered', next: Number(token.attrGet('start') ?? 1) });
        break;
      case 'list_item_open': {
        const list = stack[innermostList()];
        itemMarker = list?.kind === 'ordered' ? `${list.next++}. ` : '- ';
        break;
      }
      case 'list_item_close':
        if (itemMarker !== undefined) emit('', inTightList);
        break;
      case 'blockquote_open':
        stack.push({ kind: 'quote', next: 0 });
        inTightList = false;
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
      case 'blockquote_close':
        stack.pop();
        if (!stack.some((frame) => frame.kind !== 'quote')) inTightList = false;
        break;
      case 'code_block':
      case 'fence':
        emit(
          token.content
            .replace(/\n$/, '')
            .split('\n')
            .map((line) => `    ${line}`)
            .join('\n'),
        );
        inTightList = false;
        break;
      case 'hr':
        emit('----------');
        inTightList = false;
        break;
      default:
        break;
    }
  }
  return lines.join('\n');
};

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Renders an organiser's Markdown (and preheader) once; throws MailingContentRejected on input it refuses. */
export const renderMailingContent = (input: {
  readonly markdown: string;
  readonly preheader?: string;
}): MailingContent => {
  const bytes = Buffer.byteLength(input.markdown, 'utf8');
  if (bytes > maxMarkdownBytes) {
    throw new MailingContentRejected(
      `De tekst is te lang: maximaal ${maxMarkdownBytes / 1024} kB, deze is ${Math.ceil(bytes / 1024)} kB.`,
    );
  }
  const preheader = input.preheader === undefined ? '' : collapse(input.preheader);
  if ([...preheader].length > maxPreheaderChars) {
    throw new MailingContentRejected(
      `De voorvertoningstekst is te lang: maximaal ${maxPreheaderChars} tekens, deze is ${[...preheader].length} tekens.`,
    );
  }
  if (input.markdown.trim() === '') throw new MailingContentRejected('De tekst van de mailing is leeg.');

  const tokens = parseMarkdown(input.markdown);
  const html = withHouseStyles(safeHtml(tokens));
  const text = plainText(tokens);
  return { html: html.trim(), text, ...(preheader ? { preheader } : {}) };
};
