import * as z from 'zod/mini';
import { type OutboxRef, streamGraceSeconds } from '../../core/mailings/delivery';
import {
  type OutboxEntry,
  type OutboxJob,
  type OutboxMail,
  outboxMailKinds,
} from '../../core/mailings/outbox';
import { unsettledOutboxSeconds } from '../../core/retention';
import type { EventFilterPattern } from '../event-filter';
import {
  keys,
  listedForPerson,
  outboxKeyPrefix,
  type PersonNamingFields,
  personEntryOf,
  tableDesign,
} from './table-design';

/**
 * The outbox entry in the single table, in one module: how a mail or a job is written (`outboxPut`,
 * `outboxJobPut`), how the stream selects new ones (`outboxStreamFilter`) and how an item is read back
 * (`outboxEntryFromItem`). Its delivery state is kept on the same item
 * (outbox-ledger.ts).
 */

const outboxMailSortKey = keys.outboxMail('').SK;
const outboxJobSortKey = keys.outboxJob('').SK;

/** The sort key of an unsettled entry in the pending listing: the sweeper takes it from `sweepAt` on. */
export const pendingListingKey = (sweepAt: Date, outboxId: string) =>
  keys.unsettledOutboxListing(sweepAt.toISOString(), outboxId);

/**
 * What every new entry starts with: pending and due at once for the stream relay, listed for the sweeper
 * only after the stream has had its chance, so the two rarely race for it (a claim decides when they do).
 */
const pendingAttributes = (outboxId: string, createdAt: string) => ({
  state: 'pending',
  dueAt: createdAt,
  ...pendingListingKey(new Date(Date.parse(createdAt) + streamGraceSeconds * 1000), outboxId),
  // Until it settles (outbox-ledger.ts sets the ledger's year then); a stuck one goes with its content.
  expiresAt: Math.floor(Date.parse(createdAt) / 1000) + unsettledOutboxSeconds,
});

/**
 * The Put of an outbox mail, to include in the transaction of the state change it follows. Conditional on
 * absence, so a retried transaction cannot write the same mail twice.
 */
export const outboxPut = (tableName: string, mail: OutboxMail) => ({
  Put: {
    TableName: tableName,
    // Listed under its recipient in the person index: the entry is also the record that the person was mailed.
    Item: listedForPerson({
      ...keys.outboxMail(mail.mailId),
      entity: 'OutboxMail',
      ...mail,
      ...pendingAttributes(mail.mailId, mail.createdAt),
    }),
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

/** A job that names one person (a registration request's) is listed under them, like their mail. */
const listedIfAboutOnePerson = <T extends PersonNamingFields>(item: T) =>
  personEntryOf(item) ? listedForPerson(item) : item;

/** The Put of an outbox job, for the transaction of the change it follows; conditional on absence. */
export const outboxJobPut = (tableName: string, jobId: string, job: OutboxJob, createdAt: string) => ({
  Put: {
    TableName: tableName,
    Item: listedIfAboutOnePerson({
      ...keys.outboxJob(jobId),
      entity: 'OutboxJob',
      jobId,
      job,
      createdAt,
      ...pendingAttributes(jobId, createdAt),
    }),
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

/**
 * The stream records the outbox relay receives: newly inserted outbox mails and jobs, nothing else (not
 * their delivery updates, not their removal by TTL). Lambda event filter syntax; the CDK event source
 * mapping and the local relay both use this one definition.
 */
export const outboxStreamFilter = {
  eventName: ['INSERT'],
  dynamodb: {
    Keys: {
      [tableDesign.partitionKey.name]: { S: [{ prefix: outboxKeyPrefix }] },
      [tableDesign.sortKey.name]: { S: [outboxMailSortKey, outboxJobSortKey] },
    },
  },
} as const satisfies EventFilterPattern;

/** Which entry a stream record is about, from its keys alone (the claim reads the item itself). */
export const outboxRefFromKeys = (
  keysImage: Readonly<Record<string, unknown>> | undefined,
): OutboxRef | undefined => {
  const pk = (keysImage?.[tableDesign.partitionKey.name] as { S?: unknown } | undefined)?.S;
  const sk = (keysImage?.[tableDesign.sortKey.name] as { S?: unknown } | undefined)?.S;
  if (typeof pk !== 'string' || !pk.startsWith(outboxKeyPrefix) || pk.length === outboxKeyPrefix.length) {
    return undefined;
  }
  const id = pk.slice(outboxKeyPrefix.length);
  if (sk === outboxMailSortKey) return { id, type: 'mail' };
  if (sk === outboxJobSortKey) return { id, type: 'job' };
  return undefined;
};

/** Logged when an outbox item cannot be read (it is recorded failed, as no retry can read it); alarmed on. */
export const malformedOutboxMailMessage = 'Malformed outbox entry failed';

/** Deliberately loose: an address the writer accepted must not be dropped here; SES judges it when sending. */
const looseAddress = z.string().check(z.regex(/^[^\s@]+@[^\s@]+$/));

const outboxItem = z
  .object({
    PK: z.string().check(z.startsWith(outboxKeyPrefix)),
    SK: z.literal(outboxMailSortKey),
    mailId: z.string().check(z.minLength(1)),
    kind: z.enum(outboxMailKinds),
    recipient: z.object({
      personId: z.string().check(z.minLength(1)),
      address: looseAddress,
      name: z.optional(z.string()),
    }),
    data: z.record(z.string(), z.string()),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .check(
    z.refine((item) => item.PK === keys.outboxMail(item.mailId).PK, {
      message: 'PK does not carry the mailId',
      path: ['PK'],
    }),
  );

const meetingChangedJob = z.object({
  kind: z.literal('meeting-changed'),
  meetingId: z.string().check(z.minLength(1)),
  change: z.enum(['published', 'updated', 'cancelled']),
  sequence: z.number().check(z.int(), z.nonnegative()),
  mailParticipants: z.boolean(),
});

const waitingListPromotionJob = z.object({
  kind: z.literal('waiting-list-promotion'),
  meetingId: z.string().check(z.minLength(1)),
});

const registrationRequestedJob = z.object({
  kind: z.literal('registration-requested'),
  meetingId: z.string().check(z.minLength(1)),
  personId: z.string().check(z.minLength(1)),
  requestId: z.string().check(z.minLength(1)),
});

const outboxJobItem = z.object({
  PK: z.string().check(z.startsWith(outboxKeyPrefix)),
  SK: z.literal(outboxJobSortKey),
  jobId: z.string().check(z.minLength(1)),
  job: z.discriminatedUnion('kind', [meetingChangedJob, waitingListPromotionJob, registrationRequestedJob]),
  createdAt: z.iso.datetime({ offset: true }),
});

export type OutboxMailReading =
  | { readonly ok: true; readonly mail: OutboxMail }
  | {
      readonly ok: false;
      /** As far as the item tells them; for the log line (never the address or the name). */
      readonly mailId: string | undefined;
      readonly kind: string | undefined;
      /** `path: code` per problem, without the offending values (they may be an address). */
      readonly problems: readonly string[];
    };

const stringOrUndefined = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.slice(0, 200) : undefined;

/** Reads an outbox mail from an item as the document client returns it. Never throws. */
export const outboxMailFromItem = (item: Readonly<Record<string, unknown>>): OutboxMailReading => {
  const parsed = outboxItem.safeParse(item);
  if (!parsed.success) {
    return {
      ok: false,
      mailId: stringOrUndefined(item.mailId),
      kind: stringOrUndefined(item.kind),
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.code}`),
    };
  }
  const { mailId, kind, recipient, data, createdAt } = parsed.data;
  return {
    ok: true,
    mail: {
      mailId,
      kind,
      recipient: {
        personId: recipient.personId,
        address: recipient.address,
        ...(recipient.name !== undefined ? { name: recipient.name } : {}),
      },
      data,
      createdAt,
    },
  };
};

export type OutboxEntryReading =
  | { readonly ok: true; readonly entry: OutboxEntry }
  | { readonly ok: false; readonly kind: string | undefined; readonly problems: readonly string[] };

/** Reads a mail or a job from its item (as the document client returns it). Never throws. */
export const outboxEntryFromItem = (item: Readonly<Record<string, unknown>>): OutboxEntryReading => {
  if (item.SK === outboxJobSortKey) {
    const parsed = outboxJobItem.safeParse(item);
    if (!parsed.success) {
      return {
        ok: false,
        kind: stringOrUndefined((item.job as { kind?: unknown } | undefined)?.kind),
        problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.code}`),
      };
    }
    const { jobId, job, createdAt } = parsed.data;
    return { ok: true, entry: { type: 'job', outboxId: jobId, job, createdAt } };
  }
  const reading = outboxMailFromItem(item);
  return reading.ok
    ? { ok: true, entry: { type: 'mail', mail: reading.mail } }
    : { ok: false, kind: reading.kind, problems: reading.problems };
};
