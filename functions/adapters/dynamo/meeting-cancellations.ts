import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CancellationStore } from '../../core/meetings/cancellation';
import type { Meeting, Registration } from '../../core/meetings/model';
import type { RegistrationChange } from '../../core/meetings/ports';
import { type MeetingTable, readMeeting, readRegistration, readWaitingHead } from './meeting-items';
import { commitRegistration } from './meeting-writes';

/** Cancelling a registration and promoting the first person waiting (core/meetings/cancellation.ts). */
export class DynamoMeetingCancellations implements CancellationStore {
  readonly #table: MeetingTable;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#table = { client, tableName };
  }

  getMeeting(meetingId: string): Promise<Meeting | undefined> {
    return readMeeting(this.#table, meetingId);
  }

  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined> {
    return readRegistration(this.#table, meetingId, personId);
  }

  waitingHead(meetingId: string, limit: number): Promise<readonly Registration[]> {
    return readWaitingHead(this.#table, meetingId, limit);
  }

  commitRegistration(change: RegistrationChange): Promise<void> {
    return commitRegistration(this.#table, change);
  }
}
