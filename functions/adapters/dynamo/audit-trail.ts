import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type AuditedChange, auditedChange } from '../../core/organisers/audit';
import { epochSeconds } from '../../core/retention';
import { auditEntryFor, noteRecorded } from '../audit-scope';
import { type AuditWriter, type RecordChange, sendSingle } from './audited-writes';
import { keys, listedForPerson } from './table-design';
import { type TransactItem, TransactionConditionFailed, transactWrite } from './transactions';

/**
 * Writing the audit trail in the single table (table-design.ts: `audit entry`): an organiser action's entry
 * goes into the transaction of the change itself (audited-writes.ts), so both commit or neither. Reading it
 * is audit-trail-reader.ts.
 */

/** The entry's item: listed per kind, and under the person it names in the person index. */
export const auditEntryPut = (tableName: string, entry: AuditEntry): TransactItem => {
  const item = {
    ...keys.auditEntry(entry.entryId),
    ...keys.auditListing(entry.kind, entry.entryId),
    entity: 'AuditEntry',
    ...entry,
    expiresAt: epochSeconds(new Date(entry.expiresAt)),
  };
  return {
    Put: {
      TableName: tableName,
      Item: entry.personId === undefined ? item : listedForPerson(item),
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
};

const changeOf = ({ kind, targetId, before, after, personId }: RecordChange): AuditedChange =>
  auditedChange(kind, targetId, before, after, personId);

/**
 * The audit trail's writer (audited-writes.ts): each write carries the entry of the organiser's action
 * carried out now, if one is (adapters/audit-scope.ts). A transaction gets the entry last, so the indexes of
 * a failed condition still name the caller's items; a single write becomes a transaction of two, and its
 * failed condition is thrown as the single write would throw it (ConditionalCheckFailedException), so the
 * caller maps it as before.
 */
export const auditWriter: AuditWriter = {
  async transact(client, tableName, items, change) {
    const entry = auditEntryFor(changeOf(change));
    await transactWrite(client, entry ? [...items, auditEntryPut(tableName, entry)] : items);
    if (entry) noteRecorded(entry);
  },
  async write(client, tableName, write, change) {
    const entry = auditEntryFor(changeOf(change));
    if (!entry) return sendSingle(client, write);
    try {
      await transactWrite(client, [write as TransactItem, auditEntryPut(tableName, entry)]);
    } catch (error) {
      if (error instanceof TransactionConditionFailed && error.failedItems.includes(0)) {
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
        });
      }
      throw error;
    }
    noteRecorded(entry);
  },
};

/** An action that wrote no record of its own (a test mail): its entry alone. */
export const recordAuditEntry = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  entry: AuditEntry,
): Promise<void> => {
  const { Put } = auditEntryPut(tableName, entry) as { Put: PutCommandInput };
  await client.send(new PutCommand(Put));
};
