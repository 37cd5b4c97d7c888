import type { OutboxMail } from '../../core/mailings/outbox';
import type { MeetingMailStore } from '../../core/meetings/meeting-mails';
import type { RegistrationRow } from '../../core/meetings/ports';
import { MeetingTableAdapter, readRegistrations } from './meeting-items';
import { queueMailsOnce } from './meeting-writes';

/** Meeting-wide mails (core/meetings/meeting-mails.ts): the meeting, everyone registered, mails queued once. */
export class DynamoMeetingMails extends MeetingTableAdapter implements MeetingMailStore {
  listRegistrations(meetingId: string): Promise<readonly RegistrationRow[]> {
    return readRegistrations(this.table, meetingId);
  }

  queueMailsOnce(mails: readonly OutboxMail[]): Promise<void> {
    return queueMailsOnce(this.table, mails);
  }
}
