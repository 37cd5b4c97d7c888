import { DynamoMeetingLifecycle } from '../adapters/dynamo/meeting-lifecycle';
import type { LifecyclePorts } from '../core/meetings/lifecycle';
import { once } from './once';
import { clock, ids } from './process';
import { dynamo, tableName } from './table';

/** The organiser's meetings: create, change, publish, cancel, list and export. No secret, no scheduler. */
export const meetingLifecycle = once(
  (): LifecyclePorts => ({ store: new DynamoMeetingLifecycle(dynamo(), tableName), clock, ids }),
);
