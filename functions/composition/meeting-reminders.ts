import { DynamoMeetingReminders } from '../adapters/dynamo/meeting-reminders';
import type { ReminderPorts } from '../core/meetings/reminders';
import { once } from './once';
import { clock } from './process';
import { dynamo, tableName } from './table';

/** A meeting's reminders, when its schedule fires: queued as outbox mail. */
export const reminders = once(
  (): ReminderPorts => ({ store: new DynamoMeetingReminders(dynamo(), tableName), clock }),
);
