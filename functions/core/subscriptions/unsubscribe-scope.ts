import { InvalidToken } from '../errors';
import { type Topic, topics } from './model';

/**
 * What a one-click unsubscribe link stops (docs/architecture.md, "Links and tokens"):
 * - `all`: every mail to a subscriber (the link in subscription mails, as it always was);
 * - `topics`: these topics only (a mailing's link for someone who got it as a subscriber of them);
 * - `meeting`: organiser mailings to meeting audiences (a mailing's link for someone who got it only as a
 *   participant); confirmations, reminders, updates and cancellations of their meetings still go.
 *
 * The scope travels in the id of an `unsubscribe` token, not in a purpose of its own: it is an unsubscribe
 * link like any other — the same path, never expiring (so it lives as long as its key), the same answer to a
 * retired key — and a scope only narrows it. The id is `<personId>` for `all`, `<personId>.topics.<t>,<t>`
 * and `<personId>.meeting` otherwise: opaque ids and topic names, nothing personal. A person id is 32 hex
 * characters and never contains a dot, so code that took a scoped id for a person id would find nobody: it
 * errs towards doing less, never more, and a full unsubscribe link cannot be read as a scoped one or back.
 */
export type UnsubscribeScope =
  | { readonly kind: 'all'; readonly personId: string }
  | { readonly kind: 'topics'; readonly personId: string; readonly topics: readonly Topic[] }
  | { readonly kind: 'meeting'; readonly personId: string };

const isTopic = (word: string): word is Topic => (topics as readonly string[]).includes(word);
const personIdPattern = /^[^.,@\s]+$/;

/** The id an unsubscribe token carries for `scope`. */
export const unsubscribeTokenId = (scope: UnsubscribeScope): string => {
  if (!personIdPattern.test(scope.personId)) throw new Error('A person id cannot carry an unsubscribe scope');
  switch (scope.kind) {
    case 'all':
      return scope.personId;
    case 'topics': {
      const chosen = [...new Set(scope.topics)];
      if (chosen.length === 0) throw new Error('A topics unsubscribe link needs at least one topic');
      return `${scope.personId}.topics.${chosen.join(',')}`;
    }
    case 'meeting':
      return `${scope.personId}.meeting`;
  }
};

/** Reads the id of a verified unsubscribe token; anything but the forms written above is malformed. */
export const unsubscribeScopeOf = (tokenId: string): UnsubscribeScope => {
  const [personId = '', kind, list, ...rest] = tokenId.split('.');
  if (!personIdPattern.test(personId) || rest.length > 0) throw new InvalidToken('malformed');
  if (kind === undefined) return { kind: 'all', personId };
  if (kind === 'meeting' && list === undefined) return { kind: 'meeting', personId };
  if (kind === 'topics' && list !== undefined) {
    const words = list.split(',');
    if (words.every(isTopic) && new Set(words).size === words.length) {
      return { kind: 'topics', personId, topics: words };
    }
  }
  throw new InvalidToken('malformed');
};
