import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxMail } from '../../core/mailings/outbox';
import type { MeetingMailStore } from '../../core/meetings/meeting-mails';
import type { Meeting } from '../../core/meetings/model';
import type { RegistrationRow } from '../../core/meetings/ports';
import { type MeetingTable, readMeeting, readRegistrations } from './meeting-items';
import { queueMailsOnce } from './meeting-writes';

/** Meeting-wide mails (core/meetings/meeting-mails.ts): the meeting, everyone registered, mails queued once. */
export class DynamoMeetingMails implements MeetingMailStore {
  readonly #table: MeetingTable;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#table = { client, tableName };
  }

  getMeeting(meetingId: string): Promise<Meeting | undefined> {
    return readMeeting(this.#table, meetingId);
  }

  listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]> {
    return readRegistrations(this.#table, meetingId);
  }

  queueMailsOnce(mails: readonly OutboxMail[]): Promise<void> {
    return queueMailsOnce(this.#table, mails);
  }
}
