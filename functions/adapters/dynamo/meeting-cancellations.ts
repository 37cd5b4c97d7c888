import type { CancellationStore } from '../../core/meetings/cancellation';
import type { Registration } from '../../core/meetings/model';
import type { RegistrationChange } from '../../core/meetings/ports';
import { MeetingTableAdapter, readRegistration, readWaitingHead } from './meeting-items';
import { commitRegistration } from './meeting-writes';

/** Cancelling a registration and promoting the first person waiting (core/meetings/cancellation.ts). */
export class DynamoMeetingCancellations extends MeetingTableAdapter implements CancellationStore {
  getRegistration(meetingId: string, personId: string): Promise<Registration | undefined> {
    return readRegistration(this.table, meetingId, personId);
  }

  waitingHead(meetingId: string, limit: number): Promise<readonly Registration[]> {
    return readWaitingHead(this.table, meetingId, limit);
  }

  commitRegistration(change: RegistrationChange): Promise<void> {
    return commitRegistration(this.table, change);
  }
}
