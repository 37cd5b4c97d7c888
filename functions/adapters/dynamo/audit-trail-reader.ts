import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  type AuditEntry,
  type AuditKind,
  type AuditPage,
  type AuditQuery,
  type AuditTrailReader,
  auditKinds,
} from '../../core/organisers/audit';
import { newestFirst } from './newest-first';
import { keys, personIndexName } from './table-design';

const entryItem = z.object({
  entryId: z.string(),
  at: z.string(),
  expiresAt: z.number(),
  actor: z.object({ subject: z.string(), name: z.optional(z.string()) }),
  action: z.string(),
  requestId: z.string(),
  kind: z.enum(auditKinds),
  targetId: z.string(),
  versionBefore: z.nullable(z.number()),
  versionAfter: z.nullable(z.number()),
  changes: z.array(z.string()),
  personId: z.optional(z.string()),
});

const toEntry = (item: Record<string, unknown>): AuditEntry => {
  const { expiresAt, actor, personId, ...rest } = entryItem.parse(item);
  return {
    ...rest,
    actor: { subject: actor.subject, ...(actor.name !== undefined ? { name: actor.name } : {}) },
    ...(personId !== undefined ? { personId } : {}),
    expiresAt: new Date(expiresAt * 1000).toISOString(),
  };
};

/** Reads the trail: newest first, per kind or whole (the kinds' lists merged), or one person's. */
export class DynamoAuditTrail implements AuditTrailReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list({ kind, personId, before, limit }: AuditQuery): Promise<AuditPage> {
    const lists = personId
      ? [await this.ofPerson(personId, kind, before, limit + 1)]
      : await Promise.all((kind ? [kind] : auditKinds).map((one) => this.ofKind(one, before, limit + 1)));
    const now = Math.floor(Date.now() / 1000);
    const merged = lists
      .flat()
      .map((item) => ({ entry: toEntry(item), expired: Number(item.expiresAt) <= now }))
      .sort((a, b) => (a.entry.entryId < b.entry.entryId ? 1 : -1));
    const page = merged.slice(0, limit);
    const last = page.at(-1);
    return {
      // DynamoDB deletes expired items late; an expired entry is gone (the page may be the shorter for it,
      // and the next one still starts after it: a shortened retention can expire newer entries first).
      items: page.filter(({ expired }) => !expired).map(({ entry }) => entry),
      nextBefore: merged.length > limit && last ? last.entry.entryId : null,
    };
  }

  private ofKind(kind: AuditKind, before: string | undefined, limit: number) {
    return newestFirst(this.client, this.tableName, {
      partition: keys.auditTrail(kind).GSI1PK,
      ...(before ? { before } : {}),
      limit,
    });
  }

  /** One person's entries: the person index, narrowed to audit entries (and to one kind by a filter). */
  private async ofPerson(
    personId: string,
    kind: AuditKind | undefined,
    before: string | undefined,
    limit: number,
  ) {
    const records = keys.personRecords(personId, 'auditEntry');
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: personIndexName,
          KeyConditionExpression: before
            ? 'PersonPK = :pk AND PersonSK BETWEEN :from AND :before'
            : 'PersonPK = :pk AND begins_with(PersonSK, :kind)',
          ...(kind ? { FilterExpression: 'kind = :entryKind' } : {}),
          ExpressionAttributeValues: {
            ':pk': records.PersonPK,
            ...(before
              ? { ':from': `${records.skPrefix}#`, ':before': `${records.skPrefix}#${before}` }
              : { ':kind': `${records.skPrefix}#` }),
            ...(kind ? { ':entryKind': kind } : {}),
          },
          ScanIndexForward: false,
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []).filter((item) => item.entryId !== before));
      start = page.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items.slice(0, limit);
  }
}
