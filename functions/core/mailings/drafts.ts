import { InvalidInput, NotFound } from '../errors';
import type { Meeting } from '../meetings/model';
import type { Organiser } from '../organisers/identity';
import type { Clock, IdGenerator } from '../ports';
import {
  assertDeletable,
  editMailing,
  type Mailing,
  type MailingContent,
  newMailing,
  StaleMailing,
} from './mailing';

/**
 * Drafting a mailing (docs/architecture.md, "Mailings"): an organiser writes it, changes it and deletes it while
 * it is a draft. Its Markdown is rendered when it is saved, once, so every recipient, the preview and the
 * test-send get the same HTML and text.
 */

/** The mail a mailing's content becomes: HTML for the house template and a real plain-text part. */
export interface RenderedMailing {
  readonly html: string;
  readonly text: string;
}

/** A mailing with what its content rendered to when it was last saved. */
export interface StoredMailing {
  readonly mailing: Mailing;
  readonly rendered: RenderedMailing;
}

export interface MailingPage {
  readonly items: readonly Mailing[];
  readonly nextCursor: string | null;
}

export interface MailingStore {
  get(mailingId: string): Promise<StoredMailing | undefined>;
  /** Fails with ConcurrentChange when the id is taken. */
  create(stored: StoredMailing): Promise<void>;
  /** Conditional on the version and the status `previous` had: StaleMailing when another write came first. */
  replace(previous: Mailing, next: StoredMailing): Promise<void>;
  /** Conditional as `replace`. */
  delete(previous: Mailing): Promise<void>;
  /** Newest first, a page at a time. */
  list(query: { readonly cursor?: string; readonly limit: number }): Promise<MailingPage>;
}

export interface MailingDraftPorts {
  readonly store: MailingStore;
  /** The meeting an audience names must exist. */
  readonly meetings: { getMeeting(meetingId: string): Promise<Meeting | undefined> };
  readonly render: (content: Pick<MailingContent, 'subject' | 'preheader' | 'body'>) => RenderedMailing;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

const assertMeetingExists = async (ports: MailingDraftPorts, content: MailingContent): Promise<void> => {
  if (!('meeting' in content.audience)) return;
  if (await ports.meetings.getMeeting(content.audience.meeting)) return;
  throw new InvalidInput([{ field: 'audience.meeting', message: 'Deze bijeenkomst bestaat niet.' }]);
};

/**
 * An organiser starts a mailing.
 * 1. The content holds (subject, body, audience), and a meeting it names exists.
 * 2. It is rendered once, and stored as a draft at version 1 with its author.
 */
export const createMailingDraft = async (
  ports: MailingDraftPorts,
  content: MailingContent,
  author: Organiser,
): Promise<StoredMailing> => {
  const mailing = newMailing(content, author, { mailingId: ports.ids.next(), now: ports.clock.now() });
  await assertMeetingExists(ports, mailing);
  const stored = { mailing, rendered: ports.render(mailing) };
  await ports.store.create(stored);
  return stored;
};

export const findMailing = async (
  ports: { readonly store: Pick<MailingStore, 'get'> },
  mailingId: string,
): Promise<StoredMailing> => {
  const stored = await ports.store.get(mailingId);
  if (!stored) throw new NotFound('Deze mailing bestaat niet.');
  return stored;
};

/**
 * An organiser changes a draft (If-Match).
 * 1. Read it; another version than the one the organiser read → 412; not a draft → 409.
 * 2. The changed content holds, it is rendered again, and written conditional on what was read, naming the
 *    organiser who changed it (who may then not approve it).
 */
export const updateMailingDraft = async (
  ports: MailingDraftPorts,
  mailingId: string,
  expectedVersion: number,
  changes: Partial<MailingContent>,
  editor?: Organiser,
): Promise<StoredMailing> => {
  const { mailing } = await findMailing(ports, mailingId);
  const next = editMailing(mailing, expectedVersion, changes, ports.clock.now(), editor);
  if (changes.audience) await assertMeetingExists(ports, next);
  const stored = { mailing: next, rendered: ports.render(next) };
  await ports.store.replace(mailing, stored);
  return stored;
};

/** Deletes a draft (If-Match when given); anything further along is cancelled instead, and kept. */
export const deleteMailingDraft = async (
  ports: Pick<MailingDraftPorts, 'store'>,
  mailingId: string,
  expectedVersion: number | undefined,
): Promise<void> => {
  const { mailing } = await findMailing(ports, mailingId);
  if (expectedVersion !== undefined && expectedVersion !== mailing.version) throw new StaleMailing();
  assertDeletable(mailing);
  await ports.store.delete(mailing);
};
