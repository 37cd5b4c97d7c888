import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import { type OutboxMail, outboxMailKinds } from '../../core/mailings/outbox';
import type { EventFilterPattern } from '../event-filter';
import { keys, outboxKeyPrefix, tableDesign } from './table-design';

/**
 * The outbox item in the single table, in one module: how it is written (`outboxPut`), how the stream
 * selects it (`outboxStreamFilter`) and how the relay reads it back (`outboxMailFromImage`).
 */

/** Outbox items are kept a week after writing, long enough for any retry; TTL removes them after. */
const outboxRetentionSeconds = 7 * 24 * 3600;

const outboxMailSortKey = keys.outboxMail('').SK;

/**
 * The Put of an outbox mail, to include in the transaction of the state change it follows. Conditional on
 * absence, so a retried transaction cannot write the same mail twice.
 */
export const outboxPut = (tableName: string, mail: OutboxMail) => ({
  Put: {
    TableName: tableName,
    Item: {
      ...keys.outboxMail(mail.mailId),
      entity: 'OutboxMail',
      ...mail,
      expiresAt: Math.floor(Date.parse(mail.createdAt) / 1000) + outboxRetentionSeconds,
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

/**
 * The stream records the outbox relay receives: newly inserted outbox mails, nothing else (not their ledger
 * records, not their removal by TTL). Lambda event filter syntax; the CDK event source mapping and the local
 * relay both use this one definition.
 */
export const outboxStreamFilter = {
  eventName: ['INSERT'],
  dynamodb: {
    Keys: {
      [tableDesign.partitionKey.name]: { S: [{ prefix: outboxKeyPrefix }] },
      [tableDesign.sortKey.name]: { S: [outboxMailSortKey] },
    },
  },
} as const satisfies EventFilterPattern;

/** The message the relay logs when it skips an outbox item it cannot read; the CDK alarms on it. */
export const malformedOutboxMailMessage = 'Malformed outbox mail skipped';

/** Deliberately loose: an address the writer accepted must not be dropped here; SES judges it when sending. */
const looseAddress = z.string().regex(/^[^\s@]+@[^\s@]+$/);

const outboxItem = z
  .object({
    PK: z.string().startsWith(outboxKeyPrefix),
    SK: z.literal(outboxMailSortKey),
    mailId: z.string().min(1),
    kind: z.enum(outboxMailKinds),
    recipient: z.object({
      personId: z.string().min(1),
      address: looseAddress,
      name: z.string().optional(),
    }),
    data: z.record(z.string(), z.string()),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .refine((item) => item.PK === keys.outboxMail(item.mailId).PK, {
    message: 'PK does not carry the mailId',
    path: ['PK'],
  });

export type OutboxImageReading =
  | { readonly ok: true; readonly mail: OutboxMail }
  | {
      readonly ok: false;
      /** As far as the image tells them; for the log line (never the address or the name). */
      readonly mailId: string | undefined;
      readonly kind: string | undefined;
      /** `path: code` per problem, without the offending values (they may be an address). */
      readonly problems: readonly string[];
    };

const stringOrUndefined = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.slice(0, 200) : undefined;

/**
 * Reads an outbox mail from a stream record's NewImage (DynamoDB JSON as Lambda delivers it). Never throws:
 * an image that is not a well-formed outbox mail is reported with what can be logged about it.
 */
export const outboxMailFromImage = (
  image: Readonly<Record<string, unknown>> | undefined,
): OutboxImageReading => {
  let item: Record<string, unknown>;
  try {
    // Stream images carry no binaries for outbox items, so the SDK's AttributeValue shape fits.
    item = unmarshall((image ?? {}) as Record<string, AttributeValue>);
  } catch (error) {
    const reason = error instanceof Error ? error.name : 'unreadable';
    return { ok: false, mailId: undefined, kind: undefined, problems: [`(image): ${reason}`] };
  }
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
