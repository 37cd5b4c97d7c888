import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { OutboxMail, RegistrationRequestedJob } from '../../core/mailings/outbox';
import type { Registration } from '../../core/meetings/model';
import type { RegistrationChange } from '../../core/meetings/ports';
import type { RegistrationStore } from '../../core/meetings/registration';
import type {
  PendingRegistration,
  RegistrationRequestStore,
} from '../../core/meetings/registration-requests';
import type { MailRate, MailRateChange } from '../../core/people/mail-rate';
import { mailRateFrom, mailRatePut } from './mail-rate';
import { answersItem, countMatches, MeetingTableAdapter, readRegistration } from './meeting-items';
import { commitRegistration, transact } from './meeting-writes';
import { outboxJobPut, outboxPut } from './outbox';
import { keys, listedForPerson } from './table-design';

const pendingItem = z.object({
  meetingId: z.string(),
  personId: z.string(),
  requestId: z.string(),
  email: z.string(),
  name: z.string(),
  answers: answersItem,
  needs: z.optional(z.object({ dietary: z.optional(z.string()), accessibility: z.optional(z.string()) })),
  requestedAt: z.string(),
  /** Epoch seconds: the table's TTL attribute. */
  expiresAt: z.number(),
});

/**
 * Registering (core/meetings/registration.ts) and asking to register (registration-requests.ts) in the
 * single table.
 */
export class DynamoMeetingRegistrations
  extends MeetingTableAdapter
  implements RegistrationStore, RegistrationRequestStore
{
  /** The request and its job: two Puts, the same for every address (nothing about the address is read). */
  async savePending(
    pending: PendingRegistration,
    job: RegistrationRequestedJob,
    createdAt: string,
  ): Promise<void> {
    const { tableName } = this.table;
    const { expiresAt, ...rest } = pending;
    await transact(this.table, [
      {
        Put: {
          TableName: tableName,
          Item: listedForPerson({
            ...keys.pendingRegistration(pending.meetingId, pending.personId),
            entity: 'PendingRegistration',
            ...rest,
            expiresAt: Math.ceil(Date.parse(expiresAt) / 1000),
          }),
        },
      },
      outboxJobPut(tableName, `registration-request-${pending.requestId}`, job, createdAt),
    ]);
  }

  async deletePending(meetingId: string, personId: string): Promise<void> {
    const { client, tableName } = this.table;
    await client.send(
      new DeleteCommand({ TableName: tableName, Key: keys.pendingRegistration(meetingId, personId) }),
    );
  }

  async mailQueued(mailId: string): Promise<boolean> {
    const { client, tableName } = this.table;
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.outboxMail(mailId),
        ConsistentRead: true,
        ProjectionExpression: 'PK',
      }),
    );
    return Item !== undefined;
  }

  async getPending(meetingId: string, personId: string): Promise<PendingRegistration | undefined> {
    const { client, tableName } = this.table;
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.pendingRegistration(meetingId, personId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { expiresAt, ...pending } = pendingItem.parse(Item);
    return { ...pending, expiresAt: new Date(expiresAt * 1000).toISOString() };
  }

  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined> {
    return readRegistration(this.table, meetingId, personId);
  }

  /** Counts the waiting places up to this one: a strongly consistent Query of counts, page by page. */
  waitingPosition(meetingId: string, waitingKey: string): Promise<number> {
    const places = keys.waitingPlaces(meetingId);
    return countMatches(this.table, {
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :mine',
      ExpressionAttributeValues: {
        ':pk': places.PK,
        ':first': places.skPrefix,
        ':mine': keys.waitingPlace(meetingId, waitingKey).SK,
      },
      ConsistentRead: true,
    });
  }

  commitRegistration(change: RegistrationChange): Promise<void> {
    return commitRegistration(this.table, change);
  }

  async loadMailRate(personId: string): Promise<MailRate> {
    const { client, tableName } = this.table;
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.mailRate(personId), ConsistentRead: true }),
    );
    return mailRateFrom(Item);
  }

  async commitResend(personId: string, mailRate: MailRateChange, mail: OutboxMail): Promise<void> {
    const { tableName } = this.table;
    await transact(this.table, [mailRatePut(tableName, personId, mailRate), outboxPut(tableName, mail)]);
  }
}
