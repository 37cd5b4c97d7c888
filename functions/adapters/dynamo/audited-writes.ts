import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditKind } from '../../core/organisers/audit';
import { type TransactItem, transactWrite } from './transactions';

/**
 * The writes of what an organiser may change (a meeting, a registration, a mailing, a report, a report
 * request, a suppression), each with what the audit trail needs to know of it. In a function that serves an
 * organiser's write route, functions/handlers/http/organiser-route.ts installs the audit trail's writer
 * (audit-trail.ts), which adds the action's entry to the write's transaction; everywhere else — the public
 * functions, the jobs — nothing is installed and these are plain writes, so their bundles carry nothing of
 * the audit trail.
 */

/** A change to one record, as the writer knows it: the versions read and written (either may be absent). */
export interface RecordChange {
  readonly kind: AuditKind;
  readonly targetId: string;
  readonly before?: object;
  readonly after?: object;
  /** The person the record is about, if it is about one. */
  readonly personId?: string;
}

export type SingleWrite =
  | { readonly Put: PutCommandInput }
  | { readonly Update: UpdateCommandInput }
  | { readonly Delete: DeleteCommandInput };

export interface AuditWriter {
  transact(
    client: DynamoDBDocumentClient,
    tableName: string,
    items: readonly TransactItem[],
    change: RecordChange,
  ): Promise<void>;
  write(
    client: DynamoDBDocumentClient,
    tableName: string,
    write: SingleWrite,
    change: RecordChange,
  ): Promise<void>;
}

let installed: AuditWriter | undefined;

/** Makes every write below carry the audit entry of the organiser's action being carried out, if any. */
export const installAuditWriter = (writer: AuditWriter): void => {
  installed = writer;
};

/** The items in one transaction (transactWrite), with the audit entry when one is due. */
export const transactRecorded = (
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly TransactItem[],
  change: RecordChange,
): Promise<void> =>
  installed ? installed.transact(client, tableName, items, change) : transactWrite(client, items);

/** One conditional write, with the audit entry when one is due (then both in one transaction). */
export const writeRecorded = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  write: SingleWrite,
  change: RecordChange,
): Promise<void> => {
  if (installed) return installed.write(client, tableName, write, change);
  await sendSingle(client, write);
};

export const sendSingle = async (client: DynamoDBDocumentClient, write: SingleWrite): Promise<void> => {
  if ('Put' in write) await client.send(new PutCommand(write.Put));
  else if ('Update' in write) await client.send(new UpdateCommand(write.Update));
  else await client.send(new DeleteCommand(write.Delete));
};
