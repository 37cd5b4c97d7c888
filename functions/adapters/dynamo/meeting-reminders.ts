import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxMail } from '../../core/mailings/outbox';
import type { RegistrationRow } from '../../core/meetings/ports';
import type { ReminderStore } from '../../core/meetings/reminders';
import { MeetingTableAdapter, readRegistrations } from './meeting-items';
import { queueMailsOnce } from './meeting-writes';
import { keys } from './table-design';

/** A meeting's reminder run (core/meetings/reminders.ts): its cutoff, and the reminders queued once. */
export class DynamoMeetingReminders extends MeetingTableAdapter implements ReminderStore {
  async firstReminderRun(meetingId: string, at: Date): Promise<Date> {
    const { client, tableName } = this.table;
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.reminderRun(meetingId), entity: 'ReminderRun', firstRunAt: at.toISOString() },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return at;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.reminderRun(meetingId), ConsistentRead: true }),
    );
    return new Date(String(Item?.firstRunAt));
  }

  listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]> {
    return readRegistrations(this.table, meetingId);
  }

  queueMailsOnce(mails: readonly OutboxMail[]): Promise<void> {
    return queueMailsOnce(this.table, mails);
  }
}
