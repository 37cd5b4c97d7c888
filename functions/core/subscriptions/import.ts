import { createHash } from 'node:crypto';
import { untilCommitted } from '../concurrency';
import { DomainError, type FieldIssue, InvalidInput } from '../errors';
import { escapeMarkdown } from '../mailings/announcement';
import type { RenderedMailing, StoredMailing } from '../mailings/drafts';
import { type MailingContent, newMailing, sendNow } from '../mailings/mailing';
import type { Organiser } from '../organisers/identity';
import type { PersonIds } from '../people/person-id';
import { type Clock, ConcurrentChange, type IdGenerator } from '../ports';
import { importAskedSeconds, pendingSubscriptionDays, pendingSubscriptionSeconds } from '../retention';
import { readImportFile, sortRows, UnreadableImportFile } from './import-file';
import {
  isLive,
  topics as knownTopics,
  type OpenSubscription,
  type Subscription,
  type Topic,
  topicPhrases,
} from './model';
import type { SubscriberStanding, SubscriptionStore } from './ports';

/**
 * An organiser imports a list of addresses (docs/architecture.md, "Importing subscribers"): a spreadsheet of
 * people who asked for Drop In's mail somewhere else — a sign-up list at a meeting, the old mailing list.
 * Nobody is subscribed silently: each new address becomes a pending subscription, and one mailing through the
 * paced pipeline (audience `{ import: id }`) asks each of them to confirm, saying where the address came from.
 * Only an import marked as already confirmed, with the evidence of that consent, subscribes at once; the
 * evidence stays on each subscription's consent, which the person index lists with the rest of the person.
 *
 * What is not imported is reported by line: invalid addresses, repeats of an address higher up, the
 * suppressed, people already subscribed or waiting to confirm, people who unsubscribed before (an import
 * never brings back someone who left), and people an import asked before (whether they declined, let it
 * lapse or confirmed and left: an import asks a person once, for two years). A dry run reports the same and
 * writes nothing.
 *
 * The same import sent twice is one import (its id is a digest of the file and the choices): a repeat after
 * it finished gets its report again, and a repeat after a failure (at once) or a process that died (after
 * takeOverAfterMs) picks up where it stopped, so nobody it made pending is left without the mail, and nobody
 * gets it twice.
 */

/**
 * Rows one request takes: some 2,000 people written within the HTTP API's 30 seconds (a person is a read and
 * a transaction, four at a time, after one batched read of them all: rounds, not speed, keep the answer in time); a larger list goes in parts.
 */
export const maxImportRows = 2000;
const maxSourceLength = 500;
const maxEvidenceLength = 1000;
/** An import still running after this long died: a repeat takes it over. (The HTTP API gives up at 30 s.) */
const takeOverAfterMs = 2 * 60_000;
/**
 * People written at once. An import with evidence subscribes each at once, and every such transaction adds to
 * the one counters item, which DynamoDB lets few transactions change at a time: two then.
 */
const concurrency = { pending: 4, confirmed: 2 };

export interface ImportRequest {
  /** The file as text (the caller decoded its bytes). */
  readonly file: string;
  /** Where the addresses come from, in the organiser's words: the mail tells each person. */
  readonly source: string;
  readonly topics: readonly Topic[];
  readonly dryRun: boolean;
  /** Set: the people confirmed elsewhere already; this says how. They are subscribed at once, without mail. */
  readonly confirmedEvidence?: string;
}

/** What became of the file's rows: every row is in exactly one of these. */
export interface ImportReport {
  readonly importId: string;
  readonly dryRun: boolean;
  /** The file's records (the header row not counted). */
  readonly rows: number;
  /** Made pending (and sent the confirmation mailing), or subscribed at once when confirmed elsewhere. */
  readonly imported: number;
  readonly confirmedElsewhere: boolean;
  /** The confirmation mailing; null for a dry run, an import confirmed elsewhere, or one that imported nobody. */
  readonly mailingId: string | null;
  readonly invalid: readonly { readonly line: number; readonly reason: string }[];
  readonly duplicates: readonly { readonly line: number; readonly firstLine: number }[];
  readonly suppressed: readonly { readonly line: number }[];
  readonly alreadySubscribed: readonly { readonly line: number }[];
  readonly awaitingConfirmation: readonly { readonly line: number }[];
  readonly unsubscribed: readonly { readonly line: number }[];
  /** An import asked them before (they declined, let it lapse, or confirmed and left since): not asked again. */
  readonly askedBefore: readonly { readonly line: number }[];
}

/** An import as stored: what it was, who ran it, and (once done) its report. No address. */
export interface SubscriberImport {
  readonly importId: string;
  readonly source: string;
  readonly topics: readonly Topic[];
  readonly confirmedEvidence?: string;
  readonly by: { readonly subject: string; readonly name?: string };
  /** `interrupted`: a failure stopped it half-way; the same import sent again finishes it at once. */
  readonly status: 'importing' | 'interrupted' | 'done';
  readonly startedAt: string;
  /** The id its confirmation mailing has (chosen when the import starts, so a takeover creates the same one). */
  readonly mailingId: string;
  readonly report?: ImportReport;
}

export interface ImportStore {
  get(importId: string): Promise<SubscriberImport | undefined>;
  /** Writes a new import; ConcurrentChange when the id is taken. */
  begin(record: SubscriberImport): Promise<void>;
  /**
   * Conditional on `previous`'s status and `startedAt`: ConcurrentChange when another process took it over or
   * finished it meanwhile.
   */
  replace(previous: SubscriberImport, next: SubscriberImport): Promise<void>;
  /** Sets the import `interrupted`, conditional as `replace`: the same import sent again goes on at once. */
  release(previous: SubscriberImport): Promise<void>;
  /**
   * The import done, with its confirmation mailing created (sending) in the same write, when it has one:
   * conditional as `replace`, and on the mailing being new.
   */
  finish(previous: SubscriberImport, done: SubscriberImport, mailing?: StoredMailing): Promise<void>;
}

export interface ImportPorts {
  readonly store: SubscriptionStore;
  readonly imports: ImportStore;
  readonly render: (content: Pick<MailingContent, 'subject' | 'preheader' | 'body'>) => RenderedMailing;
  /** Why an address cannot be used (as the API's forms say it); undefined when it can. */
  readonly addressIssue: (email: string) => string | undefined;
  /** A name as the API's forms take it; undefined for one they would refuse (the row comes in without). */
  readonly nameOf: (name: string) => string | undefined;
  readonly personIds: PersonIds;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * The consent version an import records: what the person agreed to is the confirmation mailing's text
 * (importMailingContent) when they confirm, or what the evidence describes. Raise it when that text changes.
 */
export const importConsentVersion = 'import-1';

/** A repeat of an import that is still running (409). */
export class ImportInProgress extends DomainError {
  readonly code = 'import-in-progress';
  constructor() {
    super(
      'Deze import loopt nog. Wacht tot hij klaar is; hetzelfde bestand nog eens sturen geeft dan het verslag.',
    );
  }
}

/** A failure stopped the import half-way (503): sent again, it goes on where it stopped. */
export class ImportInterrupted extends DomainError {
  readonly code = 'import-interrupted';
  constructor() {
    super(
      'De import is halverwege gestopt door een storing. Stuur hetzelfde bestand met dezelfde keuzes opnieuw: de import gaat dan verder waar hij stopte, en niemand krijgt iets twee keer.',
    );
  }
}

type Standing =
  | 'imported'
  | 'suppressed'
  | 'alreadySubscribed'
  | 'awaitingConfirmation'
  | 'unsubscribed'
  | 'askedBefore';

const requestIssues = (request: ImportRequest): FieldIssue[] => {
  const issues: FieldIssue[] = [];
  const source = request.source.trim();
  if (!source) {
    issues.push({
      field: 'source',
      message:
        'Zeg waar de adressen vandaan komen, bijvoorbeeld “intekenlijst bijeenkomst Utrecht, 12 maart 2025”.',
    });
  } else if (source.length > maxSourceLength || /[\r\n]/.test(source)) {
    issues.push({ field: 'source', message: `Eén regel van hoogstens ${maxSourceLength} tekens.` });
  }
  if (request.topics.length === 0) issues.push({ field: 'topics', message: 'Kies minstens één onderwerp.' });
  const unknown = request.topics.filter((topic) => !(knownTopics as readonly string[]).includes(topic));
  if (unknown.length) issues.push({ field: 'topics', message: `Onbekend onderwerp: ${unknown.join(', ')}.` });
  const evidence = request.confirmedEvidence;
  if (evidence !== undefined && (evidence.trim() === '' || evidence.length > maxEvidenceLength)) {
    issues.push({
      field: 'confirmedEvidence',
      message: `Beschrijf hoe deze mensen toestemming gaven (hoogstens ${maxEvidenceLength} tekens), of laat het weg: dan krijgen ze een bevestigingsmail.`,
    });
  }
  return issues;
};

/** The import's id: a digest of what it is, so the same import sent again is the same import. */
const importIdOf = (request: ImportRequest): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        request.file,
        request.source.trim(),
        [...new Set(request.topics)].sort(),
        request.confirmedEvidence?.trim() ?? null,
      ]),
    )
    .digest('base64url')
    .slice(0, 26);

/**
 * Runs `work` over `items`, `limit` at a time, in order of start; after the first failure, or once `stop`
 * says so, none starts. True when every item was done.
 */
const eachLimited = async <T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  stop: () => boolean,
): Promise<boolean> => {
  let next = 0;
  let failed = false;
  const worker = async () => {
    // Each worker takes one item before it asks `stop`: a round always gets somewhere.
    for (let taken = 0; next < items.length && !failed && (taken === 0 || !stop()); taken++) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return next >= items.length;
};

/**
 * The confirmation mailing's text: who writes, where the address came from, what confirming means and what
 * happens when nobody does (the AVG's duty to inform when data was not obtained from the person).
 */
export const importMailingContent = (record: Pick<SubscriberImport, 'importId' | 'source' | 'topics'>) => {
  const chosen = record.topics.map((topic) => topicPhrases[topic]);
  const list =
    chosen.length <= 1 ? (chosen[0] ?? '') : `${chosen.slice(0, -1).join(', ')} en ${chosen.at(-1)}`;
  return {
    subject: 'Wil je e-mail van Drop In blijven ontvangen?',
    preheader: 'Bevestig je aanmelding; zonder bevestiging sturen we je niets meer.',
    body: [
      'Drop In is het landelijke programma over de rol van het jongerenwerk bij het voorkomen van criminaliteit.',
      `Je e-mailadres staat op een lijst die wij kregen: ${escapeMarkdown(record.source.trim())}.`,
      `We sturen je alleen e-mail als je dat zelf wilt. Bevestig met de knop hieronder dat je ${list} wilt ontvangen.`,
      `Doe je niets, dan sturen we je niets meer en verwijderen we je adres na ${pendingSubscriptionDays} dagen. ` +
        'Je kunt ons altijd vragen welke gegevens we van je hebben, of ze laten verwijderen.',
    ].join('\n\n'),
    audience: { import: record.importId },
  } satisfies MailingContent;
};

/**
 * Imports the file (`by`: an admin; the route checks).
 * 1. The choices hold and the file reads (InvalidInput names what not); rows sorted: invalid, repeats.
 * 2. Dry run: each address's standing read and reported; nothing written.
 * 3. Otherwise the import is stored first (or a dead one taken over, or a finished one's report returned);
 *    then each address, a few at a time, in one transaction per person: its subscription (pending, or active
 *    with the evidence) and its place in the import's audience.
 * 4. The import is stored done with its report and, in the same write, its confirmation mailing, created
 *    sending (the sender paces it). No four eyes: the text is the system's, and only admins import.
 */
export const importSubscribers = async (
  ports: ImportPorts,
  by: Organiser,
  request: ImportRequest,
): Promise<ImportReport> => (await importRound(ports, by, request, undefined)) as ImportReport;

/** Where an import stands after a round that ran out of time: sent again, it goes on. */
export interface ImportProgress {
  readonly importId: string;
  readonly status: 'importing';
  /** The distinct valid addresses of the file, and how many of them are done. */
  readonly people: number;
  readonly handled: number;
}

/**
 * One round of an import, as the API runs it: no person is started after `until`, so the answer comes
 * within the HTTP API's 30 seconds whatever the file and the table's speed. What is left waits for the same
 * request again, which goes on at once (the import is released, not taken over) until the report.
 */
export const importRound = async (
  ports: ImportPorts,
  by: Organiser,
  request: ImportRequest,
  until: Date | undefined,
): Promise<ImportReport | ImportProgress> => {
  const issues = requestIssues(request);
  let rows: ReturnType<typeof readImportFile>['rows'] = [];
  try {
    rows = readImportFile(request.file).rows;
  } catch (error) {
    if (!(error instanceof UnreadableImportFile)) throw error;
    issues.push({ field: 'csv', message: error.message });
  }
  if (rows.length > maxImportRows) {
    issues.push({
      field: 'csv',
      message: `Het bestand heeft ${rows.length} regels; hoogstens ${maxImportRows} per import. Splits het in delen.`,
    });
  }
  if (issues.length) throw new InvalidInput(issues);

  const { unique, problems } = sortRows(rows, ports.addressIssue);
  const importId = importIdOf(request);
  const confirmedElsewhere = request.confirmedEvidence !== undefined;
  const topics = [...new Set(request.topics)];

  let record: SubscriberImport | undefined;
  if (!request.dryRun) {
    record = await startImport(ports, by, request, importId, topics);
    if (record.status === 'done' && record.report) return record.report;
  }

  const standings = new Map<number, Standing>();
  let complete: boolean;
  try {
    const firstLooks = await ports.store.loadMany(unique.map((row) => ports.personIds.of(row.email)));
    // Who an earlier round (or a process that died) imported is done: judged without a write, or a round.
    const now = ports.clock.now();
    const left = unique.filter((row) => {
      const done = importedBy(record, firstLooks.get(ports.personIds.of(row.email))?.subscription, now);
      if (done) standings.set(row.line, 'imported');
      return !done;
    });
    complete = await eachLimited(
      left,
      confirmedElsewhere ? concurrency.confirmed : concurrency.pending,
      async (row) => {
        const known = firstLooks.get(ports.personIds.of(row.email));
        standings.set(row.line, await importPerson(ports, row, record, topics, known));
      },
      // A dry run writes nothing and reads all at once: it has no rounds.
      () => record !== undefined && until !== undefined && ports.clock.now().getTime() >= until.getTime(),
    );
  } catch (error) {
    if (record) await markInterrupted(ports, record);
    throw record ? new ImportInterrupted() : error;
  }
  if (!complete && record) {
    await markInterrupted(ports, record);
    return { importId, status: 'importing', people: unique.length, handled: standings.size };
  }

  const linesOf = (standing: Standing) =>
    unique.filter((row) => standings.get(row.line) === standing).map(({ line }) => ({ line }));
  const imported = linesOf('imported').length;
  const mailingId = record && !confirmedElsewhere && imported > 0 ? record.mailingId : null;
  const report: ImportReport = {
    importId,
    dryRun: request.dryRun,
    rows: rows.length,
    imported,
    confirmedElsewhere,
    mailingId,
    invalid: problems.flatMap((p) => (p.kind === 'invalid' ? [{ line: p.line, reason: p.reason }] : [])),
    duplicates: problems.flatMap((p) =>
      p.kind === 'duplicate' ? [{ line: p.line, firstLine: p.firstLine }] : [],
    ),
    suppressed: linesOf('suppressed'),
    alreadySubscribed: linesOf('alreadySubscribed'),
    awaitingConfirmation: linesOf('awaitingConfirmation'),
    unsubscribed: linesOf('unsubscribed'),
    askedBefore: linesOf('askedBefore'),
  };
  if (!record) return report;

  let confirmation: StoredMailing | undefined;
  if (mailingId) {
    const now = ports.clock.now();
    const mailing = sendNow(newMailing(importMailingContent(record), by, { mailingId, now }), now);
    confirmation = { mailing, rendered: ports.render(mailing) };
  }
  try {
    await ports.imports.finish(record, { ...record, status: 'done', report }, confirmation);
  } catch {
    await markInterrupted(ports, record);
    throw new ImportInterrupted();
  }
  return report;
};

/** Leaves the import for the same request sent again to finish at once; if even that fails, it waits for takeOverAfterMs. */
const markInterrupted = async (ports: ImportPorts, record: SubscriberImport): Promise<void> => {
  try {
    await ports.imports.release(record);
  } catch {
    // Finished or taken over meanwhile, or the table is away: the repeat finds out which.
  }
};

/** The stored import to carry on with: new, taken over from a process that died, or done already. */
const startImport = async (
  ports: ImportPorts,
  by: Organiser,
  request: ImportRequest,
  importId: string,
  topics: readonly Topic[],
): Promise<SubscriberImport> => {
  const now = ports.clock.now();
  const existing = await ports.imports.get(importId);
  if (existing?.status === 'done') return existing;
  if (existing?.status === 'importing' && now.getTime() - Date.parse(existing.startedAt) < takeOverAfterMs)
    throw new ImportInProgress();
  const record: SubscriberImport = {
    importId,
    source: request.source.trim(),
    topics,
    ...(request.confirmedEvidence !== undefined
      ? { confirmedEvidence: request.confirmedEvidence.trim() }
      : {}),
    // Who started it stays; who took it over is in the audit trail.
    by: existing?.by ?? { subject: by.subject, ...(by.name ? { name: by.name } : {}) },
    status: 'importing',
    startedAt: now.toISOString(),
    mailingId: existing?.mailingId ?? ports.ids.next(),
  };
  try {
    if (existing) await ports.imports.replace(existing, record);
    else await ports.imports.begin(record);
  } catch (error) {
    // The same import sent twice at once: the other request has it.
    if (error instanceof ConcurrentChange) throw new ImportInProgress();
    throw error;
  }
  return record;
};

/** Whether this import made the subscription (pending or, with evidence, active) and it is still live. */
const importedBy = (
  record: SubscriberImport | undefined,
  subscription: Subscription | undefined,
  now: Date,
): boolean =>
  record !== undefined &&
  isLive(subscription, now) &&
  subscription.status !== 'unsubscribed' &&
  subscription.consent.importId === record.importId;

/** One person of the file: read, judged and (unless a dry run) written, in one conditional round. */
const importPerson = (
  ports: ImportPorts,
  row: { readonly line: number; readonly email: string; readonly name?: string },
  record: SubscriberImport | undefined,
  topics: readonly Topic[],
  known: SubscriberStanding | undefined,
): Promise<Standing> => {
  // The first round judges by what loadMany read for every row at once; a conflict reads this person again.
  let firstLook = known;
  return untilCommitted({ attempts: 4 }, async () => {
    const personId = ports.personIds.of(row.email);
    const state = firstLook ?? (await ports.store.load(personId));
    firstLook = undefined;
    if (state.suppressed) return 'suppressed';
    const now = ports.clock.now();
    const current = isLive(state.subscription, now) ? state.subscription : undefined;
    // Written by this import before a process died: imported already, and in its audience.
    if (importedBy(record, current, now)) return 'imported';
    if (current?.status === 'active') return 'alreadySubscribed';
    if (current?.status === 'pending') return 'awaitingConfirmation';
    if (current?.status === 'unsubscribed') return 'unsubscribed';
    // Asked by an import before, and nothing live since: they declined, let it lapse, or left.
    if (state.askedByImport && state.askedByImport.until * 1000 > now.getTime()) return 'askedBefore';
    if (!record) return 'imported';

    const at = now.toISOString();
    const evidence = record.confirmedEvidence;
    const consent = {
      at,
      source: 'import' as const,
      textVersion: importConsentVersion,
      importId: record.importId,
      ...(evidence !== undefined ? { evidence } : {}),
    };
    const name = row.name === undefined ? undefined : ports.nameOf(row.name);
    const base = {
      personId,
      email: row.email,
      ...(name ? { name } : {}),
      topics,
      consent,
      createdAt: at,
      changedAt: at,
      version: (state.subscription?.version ?? 0) + 1,
    };
    const next: OpenSubscription =
      evidence !== undefined
        ? { ...base, status: 'active', confirmedAt: at }
        : {
            ...base,
            status: 'pending',
            confirmationId: ports.ids.next(),
            expiresAt: Math.floor(now.getTime() / 1000) + pendingSubscriptionSeconds,
          };
    await ports.store.commit({
      personId,
      ...(state.subscription ? { previous: state.subscription } : {}),
      next,
      ...(evidence === undefined
        ? {
            importMember: {
              importId: record.importId,
              line: row.line,
              at,
              markedUntil: Math.floor(now.getTime() / 1000) + importAskedSeconds,
            },
          }
        : {}),
    });
    return 'imported';
  });
};
