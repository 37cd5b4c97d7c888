import { DynamoMeetingCancellations } from '../adapters/dynamo/meeting-cancellations';
import type { CancellationPorts } from '../core/meetings/cancellation';
import { tokens } from './keys';
import { once } from './once';
import { clock, ids } from './process';
import { dynamo, tableName } from './table';

const store = once(() => new DynamoMeetingCancellations(dynamo(), tableName));

/** Cancelling a registration by its signed link, and handing the seat on. */
export const cancellations = async (): Promise<CancellationPorts> => ({
  store: store(),
  clock,
  ids,
  tokens: await tokens(),
});
