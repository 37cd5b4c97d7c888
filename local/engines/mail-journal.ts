import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The mail journal of the offline SES emulator: every mail it accepts, one JSON line each, appended before
 * SendEmail is answered. It is the mailbox: it survives a restart of `npm start`, and a sender killed after SES
 * accepted its mail cannot take the evidence with it.
 */

/** One accepted mail, as a line of the journal. */
export interface MailJournalRecord {
  readonly messageId: string;
  /** Epoch milliseconds when the emulator accepted the mail. */
  readonly at: number;
  readonly from: string;
  readonly replyTo: readonly string[];
  readonly destination: {
    readonly to: readonly string[];
    readonly cc: readonly string[];
    readonly bcc: readonly string[];
  };
  readonly subject: string;
  readonly html?: string;
  readonly text?: string;
  /** Extra headers of `Content.Simple` mails, e.g. List-Unsubscribe. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly attachments: readonly {
    readonly filename?: string;
    readonly contentType: string;
    readonly size: number;
    /** Base64 (kept, so the mailbox shows a calendar invitation after a restart too). */
    readonly content?: string;
  }[];
  /** The request's EmailTags, Name → Value (the last one of a name). */
  readonly tags: Readonly<Record<string, string>>;
}

const isRecord = (value: unknown): value is MailJournalRecord =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { messageId?: unknown }).messageId === 'string' &&
  typeof (value as { at?: unknown }).at === 'number' &&
  typeof (value as { destination?: unknown }).destination === 'object';

/**
 * Reads the journal's lines in order, with each line's byte offset and length; a line that is not a record
 * (a torn last line of a killed process) is skipped. Returns the length of the complete lines: what follows
 * it is an unfinished line. Chunked, so a journal of 100,000 mails never becomes one string.
 */
export const scanMailJournal = (
  file: string,
  onRecord: (record: MailJournalRecord, offset: number, length: number) => void,
): number => {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let pending = Buffer.alloc(0);
    let pendingOffset = 0;
    let position = 0;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      let data =
        pending.length > 0 ? Buffer.concat([pending, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
        const line = data.subarray(start, end);
        try {
          const value: unknown = JSON.parse(line.toString('utf8'));
          if (isRecord(value)) onRecord(value, pendingOffset + start, end + 1 - start);
        } catch {
          // Not a record: skipped.
        }
        start = end + 1;
      }
      data = data.subarray(start);
      pendingOffset += start;
      pending = Buffer.from(data);
    }
    return pendingOffset;
  } finally {
    closeSync(fd);
  }
};

/** Every record of a journal, oldest first (none when the file does not exist). */
export const readMailJournal = (file: string): MailJournalRecord[] => {
  const records: MailJournalRecord[] = [];
  scanMailJournal(file, (record) => records.push(record));
  return records;
};

/** Where a record is in the journal file. */
export interface JournalPlace {
  readonly offset: number;
  readonly length: number;
}

/**
 * The journal file, opened for appending: appends run one after another (so each knows its offset), and a
 * torn last line left by a killed emulator is cut off when it opens.
 */
export class MailJournal {
  #size: number;
  #chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly readFd: number,
    size: number,
  ) {
    this.#size = size;
  }

  /** Opens (or creates) the journal; `onRecord` receives the records already in it, oldest first. */
  static async open(
    file: string,
    onRecord: (record: MailJournalRecord, place: JournalPlace) => void,
  ): Promise<MailJournal> {
    mkdirSync(dirname(file), { recursive: true });
    const complete = scanMailJournal(file, (record, offset, length) => onRecord(record, { offset, length }));
    const handle = await open(file, 'a');
    try {
      if ((await handle.stat()).size > complete) await handle.truncate(complete);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new MailJournal(file, handle, openSync(file, 'r'), complete);
  }

  /** Appends a record; resolves once it is written, with its place. */
  append(record: MailJournalRecord): Promise<JournalPlace> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    const written = this.#chain.then(async () => {
      await this.handle.write(line);
      const place = { offset: this.#size, length: line.length };
      this.#size += line.length;
      return place;
    });
    this.#chain = written.catch(() => undefined);
    return written;
  }

  /** The record at a place (as `append` or `open` gave it). */
  read(place: JournalPlace): MailJournalRecord {
    const buffer = Buffer.alloc(place.length);
    readSync(this.readFd, buffer, 0, place.length, place.offset);
    return JSON.parse(buffer.toString('utf8')) as MailJournalRecord;
  }

  /** Empties the journal (`POST /clear-store`), after the appends before it. */
  clear(): Promise<void> {
    const cleared = this.#chain.then(async () => {
      await this.handle.truncate(0);
      this.#size = 0;
    });
    this.#chain = cleared.catch(() => undefined);
    return cleared;
  }

  async close(): Promise<void> {
    await this.#chain;
    await this.handle.close();
    closeSync(this.readFd);
  }
}
