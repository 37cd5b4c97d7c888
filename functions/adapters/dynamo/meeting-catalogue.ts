import type { MeetingCatalogue } from '../../core/meetings/catalogue';
import type { MeetingListPage, MeetingListQuery } from '../../core/meetings/ports';
import { MeetingTableAdapter, queryMeetings, readMeetingIdAt } from './meeting-items';

/** The public catalogue of meetings (core/meetings/catalogue.ts): reads only. */
export class DynamoMeetingCatalogue extends MeetingTableAdapter implements MeetingCatalogue {
  listMeetings(query: MeetingListQuery): Promise<MeetingListPage> {
    return queryMeetings(this.table, query);
  }

  meetingIdAt(slug: string): Promise<string | undefined> {
    return readMeetingIdAt(this.table, slug);
  }
}
