import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MeetingCatalogue } from '../../core/meetings/catalogue';
import type { Meeting } from '../../core/meetings/model';
import type { MeetingListPage, MeetingListQuery } from '../../core/meetings/ports';
import { type MeetingTable, queryMeetings, readMeeting } from './meeting-items';

/** The public catalogue of meetings (core/meetings/catalogue.ts): reads only. */
export class DynamoMeetingCatalogue implements MeetingCatalogue {
  readonly #table: MeetingTable;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#table = { client, tableName };
  }

  getMeeting(meetingId: string): Promise<Meeting | undefined> {
    return readMeeting(this.#table, meetingId);
  }

  listMeetings(query: MeetingListQuery): Promise<MeetingListPage> {
    return queryMeetings(this.#table, query);
  }
}
