import { DomainError, type FieldIssue, InvalidInput, MailingConflict, NotPermitted } from '../errors';
import type { Organiser } from '../organisers/identity';
import { normaliseAddress } from '../people/person-id';
import { topics as knownTopics, type Topic } from '../subscriptions/model';

/**
 * A mailing: a newsletter or announcement an organiser writes in Markdown, has approved when its audience is
 * large, and sends now or at a set time. This file is the pure model: what a mailing is, the status machine,
 * and the four-eyes rule. Every function takes a mailing and returns the next one, or throws a domain error;
 * storing it, rendering it and sending it are other files' work.
 *
 * Status: draft ⇄ scheduled → sending ⇄ paused; sending → sent; sending ⇄ waiting-for-quota; draft →
 * sending by send-now; sent → sending by retry-failed; draft, scheduled, paused and waiting-for-quota →
 * cancelled. Every other transition is a MailingConflict (409) that names the current status.
 */

export const mailingStatuses = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'waiting-for-quota',
  'sent',
  'cancelled',
] as const;
export type MailingStatus = (typeof mailingStatuses)[number];

/** Which registrations of a meeting a mailing goes to. */
export const registrationSelections = ['confirmed', 'waiting', 'all'] as const;
export type RegistrationSelection = (typeof registrationSelections)[number];

/** The confirmed subscribers of any of these topics. */
export interface TopicAudience {
  readonly topics: readonly Topic[];
}

/** The people registered for one meeting. */
export interface MeetingAudience {
  readonly meeting: string;
  readonly registrations: RegistrationSelection;
}

/**
 * The people an organiser's import brought in (core/subscriptions/import.ts) whose subscription still waits
 * for their confirmation: the mailing is the confirmation request. Only an import creates such a mailing;
 * the API's mailing routes take topics and meetings.
 */
export interface ImportAudience {
  readonly import: string;
}

/** Topics, a meeting, or both: then the union, one mail per person. Or the people of one import. */
export type Audience = TopicAudience | MeetingAudience | (TopicAudience & MeetingAudience) | ImportAudience;

/** One part of an audience: a topic's confirmed subscribers, a meeting's registrations, an import's people. */
export type AudiencePart =
  | { readonly kind: 'topic'; readonly topic: Topic }
  | { readonly kind: 'meeting'; readonly meetingId: string; readonly selection: RegistrationSelection }
  | { readonly kind: 'import'; readonly importId: string };

/** The audience's parts in the fixed order a snapshot reads them: each topic, then the meeting. */
export const audienceParts = (audience: Audience): AudiencePart[] => [
  ...('topics' in audience ? audience.topics.map((topic) => ({ kind: 'topic' as const, topic })) : []),
  ...('meeting' in audience
    ? [{ kind: 'meeting' as const, meetingId: audience.meeting, selection: audience.registrations }]
    : []),
  ...('import' in audience ? [{ kind: 'import' as const, importId: audience.import }] : []),
];

/** The registration statuses a selection means. */
export const registrationStatusesOf = (selection: RegistrationSelection): readonly string[] =>
  selection === 'all' ? ['confirmed', 'waiting'] : [selection];

/** What the organiser writes; an edit changes any of it while the mailing is a draft. */
export interface MailingContent {
  readonly subject: string;
  /** The line mail clients show after the subject. */
  readonly preheader?: string;
  /** Markdown. */
  readonly body: string;
  readonly audience: Audience;
}

/** The organiser who wrote the mailing, as the identity provider named them. */
export type MailingAuthor = Pick<Organiser, 'subject' | 'email' | 'name'>;

/** A test mail of the mailing, to at most `maxTestRecipients` addresses, of the version then current. */
export interface TestSend {
  readonly by: string;
  readonly to: readonly string[];
  readonly at: string;
  readonly version: number;
}

/** A second organiser's approval; it counts for the version approved only. */
export interface Approval {
  readonly by: string;
  readonly name?: string;
  readonly at: string;
  readonly version: number;
}

/** Why a mailing is paused: the organiser, the SES account (SendingPaused, suspended), or complaints. */
export type PauseCause = 'organiser' | 'account' | 'complaints';

export interface MailingCounts {
  readonly audience: number;
  readonly sent: number;
  /** Unsubscribed or suppressed by the time their turn came. */
  readonly skipped: number;
  readonly failed: number;
  readonly inDoubt: number;
}

export interface Mailing extends MailingContent {
  readonly mailingId: string;
  readonly status: MailingStatus;
  /**
   * The content version: 1 at creation, raised by every edit and by nothing else (If-Match; an approval binds
   * to it). Status changes leave it alone, so the store conditions a write on the version and the status read.
   */
  readonly version: number;
  readonly author: MailingAuthor;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** While scheduled: the instant (UTC) the schedule fires for. */
  readonly scheduledAt?: string;
  readonly pausedBy?: PauseCause;
  readonly approval?: Approval;
  /** The latest few test-sends, oldest first. */
  readonly testSends?: readonly TestSend[];
  readonly counts?: MailingCounts;
  /** Why the last scheduled send did not go ahead (it went back to draft); cleared by the next send or schedule. */
  readonly notice?: string;
  /**
   * The report this mailing announces (core/reports/publication.ts): it goes out when that report is first
   * published, not by a send or schedule of its own.
   */
  readonly announcesReport?: string;
  /** A Vooruitblik (core/mailings/vooruitblik.ts): the time (UTC) it goes out, by its schedule only. */
  readonly digestFor?: string;
  /** The organiser who last changed the content: like the author, they cannot approve what they wrote. */
  readonly lastEditedBy?: string;
}

/** Audiences larger than this need a test-send to the author and a second organiser's approval. */
export const defaultFourEyesThreshold = 500;
export const maxTestRecipients = 5;
/** Test-sends kept on the mailing; older ones are dropped. */
const keptTestSends = 10;
const maxSubjectLength = 200;
const maxPreheaderLength = 200;
const maxBodyLength = 50_000;

/** The If-Match version is not the stored one: someone else changed the mailing since it was read. */
export class StaleMailing extends DomainError {
  readonly code = 'stale-version';
  constructor() {
    super('De mailing is intussen gewijzigd. Haal hem opnieuw op en probeer het nog eens.');
  }
}

// --- The status machine -------------------------------------------------------------------------------

/** Everything that moves a mailing from one status to another: organiser actions and system events. */
export type MailingMove =
  | 'send'
  | 'schedule'
  | 'unschedule'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'retry-failed'
  | 'schedule-fired'
  | 'quota-exhausted'
  | 'quota-available'
  | 'all-settled'
  | 'paused-by-system';

/** The one table of allowed transitions: the statuses a move may start from, and where it leads. */
export const mailingTransitions: Readonly<
  Record<MailingMove, { readonly from: readonly MailingStatus[]; readonly to: MailingStatus }>
> = {
  send: { from: ['draft'], to: 'sending' },
  schedule: { from: ['draft'], to: 'scheduled' },
  unschedule: { from: ['scheduled'], to: 'draft' },
  pause: { from: ['sending'], to: 'paused' },
  resume: { from: ['paused'], to: 'sending' },
  cancel: { from: ['draft', 'scheduled', 'paused', 'waiting-for-quota'], to: 'cancelled' },
  'retry-failed': { from: ['sent'], to: 'sending' },
  'schedule-fired': { from: ['scheduled'], to: 'sending' },
  'quota-exhausted': { from: ['sending'], to: 'waiting-for-quota' },
  'quota-available': { from: ['waiting-for-quota'], to: 'sending' },
  'all-settled': { from: ['sending'], to: 'sent' },
  'paused-by-system': { from: ['sending'], to: 'paused' },
};

/** The status in the words the organiser console uses. */
export const statusLabels: Readonly<Record<MailingStatus, string>> = {
  draft: 'concept',
  scheduled: 'ingepland',
  sending: 'wordt verzonden',
  paused: 'gepauzeerd',
  'waiting-for-quota': 'wacht op verzendquotum',
  sent: 'verzonden',
  cancelled: 'geannuleerd',
};

const situations: Readonly<Record<MailingStatus, string>> = {
  draft: 'Deze mailing is nog een concept',
  scheduled: 'Deze mailing is al ingepland',
  sending: 'Deze mailing wordt nu verzonden',
  paused: 'Deze mailing is gepauzeerd',
  'waiting-for-quota': 'Deze mailing wacht op verzendquotum',
  sent: 'Deze mailing is al verzonden',
  cancelled: 'Deze mailing is geannuleerd',
};

/** What was asked, as the 409 names it. */
type Attempt = MailingMove | 'edit' | 'delete' | 'approve' | 'test-send';
const attemptWords: Readonly<Record<Attempt, string>> = {
  send: 'nu verzenden',
  schedule: 'inplannen',
  unschedule: 'het inplannen ongedaan maken',
  pause: 'pauzeren',
  resume: 'hervatten',
  cancel: 'annuleren',
  'retry-failed': 'mislukte ontvangers opnieuw proberen',
  'schedule-fired': 'op het ingeplande tijdstip starten',
  'quota-exhausted': 'wachten op verzendquotum',
  'quota-available': 'verder verzenden na het wachten op quotum',
  'all-settled': 'afronden als verzonden',
  'paused-by-system': 'pauzeren door het systeem',
  edit: 'wijzigen',
  delete: 'verwijderen',
  approve: 'goedkeuren',
  'test-send': 'een testmail versturen',
};

/** e.g. "Deze mailing is al verzonden (status: verzonden); pauzeren kan niet." */
const conflict = (mailing: Mailing, attempt: Attempt): MailingConflict =>
  new MailingConflict(
    mailing.status,
    `${situations[mailing.status]} (status: ${statusLabels[mailing.status]}); ${attemptWords[attempt]} kan niet.`,
  );

const assertStatus = (mailing: Mailing, allowed: readonly MailingStatus[], attempt: Attempt): void => {
  if (!allowed.includes(mailing.status)) throw conflict(mailing, attempt);
};

/** The moves allowed from a status: what the console offers. */
export const movesFrom = (status: MailingStatus): MailingMove[] =>
  (Object.keys(mailingTransitions) as MailingMove[]).filter((move) =>
    mailingTransitions[move].from.includes(status),
  );

/** The mailing after `move`, stamped `now`; a status the move may not start from → MailingConflict. */
const moved = (mailing: Mailing, move: MailingMove, now: Date): Mailing => {
  const { from, to } = mailingTransitions[move];
  assertStatus(mailing, from, move);
  const { scheduledAt: _scheduledAt, pausedBy: _pausedBy, ...rest } = mailing;
  return { ...rest, status: to, updatedAt: now.toISOString() };
};

// --- Creating and editing a draft ----------------------------------------------------------------------

/** Topics known and not repeated, a meeting with a valid selection, at least one of the two. */
export const audienceIssues = (audience: Audience): FieldIssue[] => {
  const issues: FieldIssue[] = [];
  if ('import' in audience) {
    return typeof audience.import === 'string' && audience.import !== '' && Object.keys(audience).length === 1
      ? []
      : [{ field: 'audience', message: 'Een import is een doelgroep op zich.' }];
  }
  const topics = 'topics' in audience ? audience.topics : undefined;
  const meeting = 'meeting' in audience ? audience : undefined;
  if (topics === undefined && meeting === undefined) {
    issues.push({ field: 'audience', message: 'Kies onderwerpen, een bijeenkomst of allebei.' });
  }
  if (topics !== undefined) {
    if (topics.length === 0)
      issues.push({ field: 'audience.topics', message: 'Kies minstens één onderwerp.' });
    const unknown = topics.filter((topic) => !(knownTopics as readonly string[]).includes(topic));
    if (unknown.length) {
      issues.push({ field: 'audience.topics', message: `Onbekend onderwerp: ${unknown.join(', ')}.` });
    }
    if (new Set(topics).size !== topics.length) {
      issues.push({ field: 'audience.topics', message: 'Elk onderwerp mag maar één keer voorkomen.' });
    }
  }
  if (meeting !== undefined) {
    if (typeof meeting.meeting !== 'string' || !meeting.meeting.trim()) {
      issues.push({ field: 'audience.meeting', message: 'Kies een bijeenkomst.' });
    }
    if (!(registrationSelections as readonly string[]).includes(meeting.registrations)) {
      issues.push({
        field: 'audience.registrations',
        message: 'Kies bevestigde aanmeldingen, de wachtlijst of allebei.',
      });
    }
  }
  return issues;
};

const contentIssues = (content: MailingContent): FieldIssue[] => {
  const issues: FieldIssue[] = [];
  const subject = content.subject.trim();
  if (!subject) issues.push({ field: 'subject', message: 'Geef de mailing een onderwerpregel.' });
  if (subject.length > maxSubjectLength || /[\r\n]/.test(subject)) {
    issues.push({ field: 'subject', message: `Eén regel van hoogstens ${maxSubjectLength} tekens.` });
  }
  if (content.preheader !== undefined && content.preheader.length > maxPreheaderLength) {
    issues.push({ field: 'preheader', message: `Hoogstens ${maxPreheaderLength} tekens.` });
  }
  if (!content.body.trim()) issues.push({ field: 'body', message: 'De mailing heeft nog geen tekst.' });
  if (content.body.length > maxBodyLength) {
    issues.push({ field: 'body', message: `De tekst is te lang (hoogstens ${maxBodyLength} tekens).` });
  }
  return [...issues, ...audienceIssues(content.audience)];
};

const assertContent = (content: MailingContent): void => {
  const issues = contentIssues(content);
  if (issues.length) throw new InvalidInput(issues);
};

/** A new mailing is a draft at version 1, written by the organiser who created it. */
export const newMailing = (
  content: MailingContent,
  author: Organiser,
  { mailingId, now }: { mailingId: string; now: Date },
): Mailing => {
  assertContent(content);
  const at = now.toISOString();
  return {
    ...content,
    mailingId,
    status: 'draft',
    version: 1,
    author: {
      subject: author.subject,
      ...(author.email ? { email: author.email } : {}),
      ...(author.name ? { name: author.name } : {}),
    },
    createdAt: at,
    updatedAt: at,
  };
};

/**
 * An organiser edits a draft (If-Match).
 * 1. Another version than the stored one → StaleMailing; a mailing past its draft → MailingConflict.
 * 2. The changed content must hold on its own (subject, body, audience).
 * 3. The version goes up, which voids an approval of the old one (it stays, for the 403 to name).
 */
export const editMailing = (
  mailing: Mailing,
  expectedVersion: number,
  changes: Partial<MailingContent>,
  now: Date,
  editor?: Pick<Organiser, 'subject'>,
): Mailing => {
  if (mailing.version !== expectedVersion) throw new StaleMailing();
  assertStatus(mailing, ['draft'], 'edit');
  const { subject, preheader, body, audience } = { ...mailing, ...changes };
  const next: Mailing = {
    ...mailing,
    subject,
    preheader,
    body,
    audience,
    version: mailing.version + 1,
    updatedAt: now.toISOString(),
    ...(editor ? { lastEditedBy: editor.subject } : {}),
  };
  assertContent(next);
  return next;
};

/** Only a draft can be deleted; anything further along is cancelled instead, and kept. */
export const assertDeletable = (mailing: Mailing): void => assertStatus(mailing, ['draft'], 'delete');

// --- Organiser actions ---------------------------------------------------------------------------------

/** Send now: a draft starts sending (the four-eyes check, assertMaySend, comes first). */
export const sendNow = (mailing: Mailing, now: Date): Mailing => moved(mailing, 'send', now);

/** A draft is scheduled for `at`, which must lie in the future (the four-eyes check comes first). */
export const scheduleMailing = (mailing: Mailing, at: Date, now: Date): Mailing => {
  assertStatus(mailing, mailingTransitions.schedule.from, 'schedule');
  if (Number.isNaN(at.getTime())) {
    throw new InvalidInput([{ field: 'at', message: 'Geef een tijdstip met datum, tijd en tijdzone.' }]);
  }
  if (at.getTime() <= now.getTime()) {
    throw new InvalidInput([{ field: 'at', message: 'Het tijdstip moet in de toekomst liggen.' }]);
  }
  return { ...moved(mailing, 'schedule', now), scheduledAt: at.toISOString() };
};

/** Back to draft: the schedule is gone. */
export const unscheduleMailing = (mailing: Mailing, now: Date): Mailing => moved(mailing, 'unschedule', now);

export const pauseMailing = (mailing: Mailing, now: Date): Mailing => ({
  ...moved(mailing, 'pause', now),
  pausedBy: 'organiser',
});

export const resumeMailing = (mailing: Mailing, now: Date): Mailing => moved(mailing, 'resume', now);

export const cancelMailing = (mailing: Mailing, now: Date): Mailing => moved(mailing, 'cancel', now);

/** A sent mailing sends again, to the recipients whose transient failures outlasted their retries only. */
export const retryFailed = (mailing: Mailing, now: Date): Mailing => moved(mailing, 'retry-failed', now);

// --- System events -------------------------------------------------------------------------------------

/** What a firing of the schedule did: `ignored` is a repeat or stale firing, and changes nothing. */
export type ScheduleFiring =
  | { readonly outcome: 'started'; readonly mailing: Mailing }
  | { readonly outcome: 'ignored'; readonly mailing: Mailing };

/**
 * The schedule fired for `scheduledAt`. Schedules fire at least once: a firing for a mailing that is no
 * longer scheduled for that instant (it started already, was unscheduled, moved or cancelled) is ignored,
 * never an error. The four-eyes check at the recounted audience comes after a start.
 */
export const scheduleFired = (mailing: Mailing, scheduledAt: string, now: Date): ScheduleFiring =>
  mailing.status === 'scheduled' && mailing.scheduledAt === scheduledAt
    ? { outcome: 'started', mailing: moved(mailing, 'schedule-fired', now) }
    : { outcome: 'ignored', mailing };

/** The day's SES quota cannot take the rest of the audience: the mailing waits, visibly. */
export const quotaExhausted = (mailing: Mailing, now: Date): Mailing =>
  moved(mailing, 'quota-exhausted', now);

export const quotaAvailable = (mailing: Mailing, now: Date): Mailing =>
  moved(mailing, 'quota-available', now);

/** Every recipient is sent, skipped or failed: the mailing is sent. */
export const allSettled = (mailing: Mailing, now: Date): Mailing => moved(mailing, 'all-settled', now);

/** The SES account stopped sending, or the mailing's complaints crossed the line: paused, nobody failed. */
export const pausedBySystem = (
  mailing: Mailing,
  cause: Exclude<PauseCause, 'organiser'>,
  now: Date,
): Mailing => ({
  ...moved(mailing, 'paused-by-system', now),
  pausedBy: cause,
});

// --- Four eyes -----------------------------------------------------------------------------------------

/**
 * A test mail went out (`to`: 1 to maxTestRecipients addresses); it is recorded with the version it showed,
 * whatever the status.
 */
export const recordTestSend = (
  mailing: Mailing,
  organiser: Organiser,
  to: readonly string[],
  now: Date,
): Mailing => {
  const addresses = [...new Set(to.map(normaliseAddress))];
  if (
    addresses.length === 0 ||
    addresses.length > maxTestRecipients ||
    addresses.some((a) => !a.includes('@'))
  ) {
    throw new InvalidInput([
      { field: 'to', message: `Geef één tot ${maxTestRecipients} e-mailadressen voor de testmail.` },
    ]);
  }
  const testSend: TestSend = {
    by: organiser.subject,
    to: addresses,
    at: now.toISOString(),
    version: mailing.version,
  };
  return { ...mailing, testSends: [...(mailing.testSends ?? []), testSend].slice(-keptTestSends) };
};

/**
 * A second organiser approves the draft as it is now.
 * 1. Only a draft is approved (MailingConflict otherwise).
 * 2. The author cannot approve their own mailing, nor the organiser who last changed it (NotPermitted): a
 *    Vooruitblik has no author, so an organiser who edits it needs another's approval too.
 * 3. The approval records the version; an edit raises the version and so voids it.
 */
export const approveMailing = (mailing: Mailing, organiser: Organiser, now: Date): Mailing => {
  assertStatus(mailing, ['draft'], 'approve');
  if (organiser.subject === mailing.author.subject) {
    throw new NotPermitted(
      'Je kunt je eigen mailing niet goedkeuren. Vraag een andere organisator om de mailing te bekijken en goed te keuren.',
    );
  }
  if (organiser.subject === mailing.lastEditedBy) {
    throw new NotPermitted(
      'Je hebt deze mailing zelf als laatste gewijzigd, dus je kunt haar niet goedkeuren. Vraag een andere organisator om haar te bekijken en goed te keuren.',
    );
  }
  return {
    ...mailing,
    approval: {
      by: organiser.subject,
      ...(organiser.name ? { name: organiser.name } : {}),
      at: now.toISOString(),
      version: mailing.version,
    },
  };
};

/**
 * Test-sends are taken while the mailing is a draft or scheduled: nothing else writes it then. (The store
 * writes the whole item, conditional on version and status; once sending, the sender writes its counts.)
 */
export const testSendStatuses: readonly MailingStatus[] = ['draft', 'scheduled'];

export const assertTestSendable = (mailing: Mailing): void =>
  assertStatus(mailing, testSendStatuses, 'test-send');

/** Where the four eyes stand for the current version, whatever the audience: what the organiser sees. */
export interface FourEyesState {
  /** A test-send of this version reached the author's own address. */
  readonly testSentToAuthor: boolean;
  /** A second organiser approved this version (an edit since voids it). */
  readonly approvedForCurrentVersion: boolean;
}

export const fourEyesState = (mailing: Mailing): FourEyesState => {
  const authorAddress = mailing.author.email ? normaliseAddress(mailing.author.email) : undefined;
  return {
    testSentToAuthor: (mailing.testSends ?? []).some(
      (test) =>
        test.version === mailing.version && authorAddress !== undefined && test.to.includes(authorAddress),
    ),
    approvedForCurrentVersion: mailing.approval?.version === mailing.version,
  };
};

/** What a large mailing still lacks before it may go out; empty when nothing does. */
export const missingForSend = (
  mailing: Mailing,
  { audienceCount, threshold = defaultFourEyesThreshold }: { audienceCount: number; threshold?: number },
): string[] => {
  if (audienceCount <= threshold) return [];
  const missing: string[] = [];
  const authorAddress = mailing.author.email ? normaliseAddress(mailing.author.email) : undefined;
  const testedByAuthor = fourEyesState(mailing).testSentToAuthor;
  if (!testedByAuthor) {
    missing.push(
      authorAddress === undefined
        ? 'een testmail aan de auteur, maar het account van de auteur heeft geen e-mailadres'
        : 'een testmail van deze versie aan de auteur',
    );
  }
  const approval = mailing.approval;
  if (approval === undefined) {
    missing.push('de goedkeuring van een tweede organisator');
  } else if (approval.version !== mailing.version) {
    missing.push(
      'een nieuwe goedkeuring van een tweede organisator: de vorige gold voor een eerdere versie en is door de wijziging vervallen',
    );
  }
  return missing;
};

/**
 * The four-eyes rule, at the audience counted now (when sending or scheduling, and again when a schedule
 * fires). An audience above the threshold needs a test-send of this version to the author and a second
 * organiser's approval of this version; what is missing → NotPermitted (403) that says so.
 */
export const assertMaySend = (
  mailing: Mailing,
  audience: { audienceCount: number; threshold?: number },
): void => {
  const missing = missingForSend(mailing, audience);
  if (missing.length === 0) return;
  const threshold = audience.threshold ?? defaultFourEyesThreshold;
  throw new NotPermitted(
    `Deze mailing gaat naar ${audience.audienceCount} mensen, meer dan ${threshold}. ` +
      `Voordat hij verstuurd of ingepland kan worden, is nog nodig: ${missing.join('; ')}.`,
  );
};
