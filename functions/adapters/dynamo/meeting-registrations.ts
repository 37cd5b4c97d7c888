import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxMail } from '../../core/mailings/outbox';
import type { Registration } from '../../core/meetings/model';
import type { RegistrationChange } from '../../core/meetings/ports';
import type { RegistrationStore } from '../../core/meetings/registration';
import type { MailRate, MailRateChange } from '../../core/people/mail-rate';
import { mailRateFrom, mailRatePut } from './mail-rate';
import { MeetingTableAdapter, readRegistration } from './meeting-items';
import { commitRegistration, transact } from './meeting-writes';
import { outboxPut } from './outbox';
import { keys } from './table-design';

/** Registering (core/meetings/registration.ts) in the single table. */
export class DynamoMeetingRegistrations extends MeetingTableAdapter implements RegistrationStore {
  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined> {
    return readRegistration(this.table, meetingId, personId);
  }

  /** Counts the waiting places up to this one: a strongly consistent Query of counts, page by page. */
  async waitingPosition(meetingId: string, waitingKey: string): Promise<number> {
    const { client, tableName } = this.table;
    const places = keys.waitingPlaces(meetingId);
    let ahead = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :mine',
          ExpressionAttributeValues: {
            ':pk': places.PK,
            ':first': places.skPrefix,
            ':mine': keys.waitingPlace(meetingId, waitingKey).SK,
          },
          Select: 'COUNT',
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      ahead += result.Count ?? 0;
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return ahead;
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
